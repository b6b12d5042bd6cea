from django.urls import path

from . import views

app_name = "declarations"

# Paths are Vietnamese, as citizens read them; names are English, as code reads them.
urlpatterns = [
    path("", views.start, name="start"),
    path("to-khai/thong-tin-ca-nhan/", views.form_step, {"slug": "personal"}, name="personal"),
    path("to-khai/ma-so-bhxh/", views.form_step, {"slug": "social-insurance-number"}, name="social-insurance-number"),
    path("to-khai/giay-to/", views.form_step, {"slug": "id-document"}, name="id-document"),
    path("to-khai/tinh-thanh/", views.form_step, {"slug": "province"}, name="province"),
    path("to-khai/dia-chi/", views.form_step, {"slug": "address"}, name="address"),
    path("to-khai/lien-he/", views.form_step, {"slug": "contact"}, name="contact"),
    path("to-khai/quet-ma/", views.scan_card, name="scan"),
    path("to-khai/quet-ma/xac-nhan/", views.confirm_scanned_card, name="scan-confirm"),
    path("to-khai/anh/", views.photos_step, {"slug": "photos"}, name="photos"),
    path("to-khai/anh/<str:kind>/", views.photo_preview, name="photo"),
    path("to-khai/co-quan/", views.office_step, {"slug": "office"}, name="office"),
    path("to-khai/kiem-tra/", views.check_answers, name="check"),
    path("to-khai/chua-du-tuoi/", views.under_age, name="under-age"),
    path("to-khai/huy/", views.cancel, name="cancel"),
    path("xac-nhan/<str:token>/", views.confirmation, name="confirmation"),
    path("xac-nhan/<str:token>/to-khai.pdf", views.declaration_pdf, name="pdf"),
]
