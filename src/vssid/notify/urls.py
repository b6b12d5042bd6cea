from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("sms/", views.sms_outbox, name="sms-outbox"),
]
