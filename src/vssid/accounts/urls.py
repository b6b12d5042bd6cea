from django.urls import path

from . import views

app_name = "accounts"

# Mounted at /tai-khoan/. Paths are Vietnamese, as citizens read them; names are English.
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("doi-mat-khau/", views.change_password, name="change-password"),
    path("quen-mat-khau/", views.forgot_password, name="forgot-password"),
    path("dat-lai-mat-khau/", views.reset_password, name="reset-password"),
]
