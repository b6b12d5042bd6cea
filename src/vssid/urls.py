from django.urls import include, path

from vssid.api.api import api
from vssid.core import views as core_views

urlpatterns = [
    path("", include("vssid.declarations.urls")),
    path("", include("vssid.registry.urls")),
    path("tai-khoan/", include("vssid.accounts.urls")),
    path("_outbox/", include("vssid.notify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics_page, name="metrics"),
    path("sw.js", core_views.service_worker, name="service-worker"),
    path("ngoai-tuyen/", core_views.offline, name="offline"),
    path("api/v1/", api.urls),
    path("can-bo/", include("vssid.desk.urls")),
]

handler400 = "vssid.core.views.bad_request"
handler403 = "vssid.core.views.forbidden"
handler404 = "vssid.core.views.not_found"
handler500 = "vssid.core.views.server_error"
