from django.urls import path

from . import views

app_name = "desk"

# Paths are Vietnamese, as officers read them; names are English, as code reads them.
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-xuat/", views.logout, name="logout"),
    path("tim-kiem/", views.search, name="search"),
    path("ho-so/<uuid:pk>/", views.declaration, name="declaration"),
    path("ho-so/<uuid:pk>/anh/<str:kind>/", views.photo, name="photo"),
    path("ho-so/<uuid:pk>/duyet/", views.approve, name="approve"),
    path("ho-so/<uuid:pk>/tu-choi/", views.reject, name="reject"),
    path("ke-khai-ho/", views.assisted_start, name="assisted-start"),
    path("ke-khai-ho/<uuid:pk>/buoc/<slug:slug>/", views.assisted_step, name="assisted-step"),
    path("ke-khai-ho/<uuid:pk>/kiem-tra/", views.assisted_check, name="assisted-check"),
    path("quan-tri/can-bo/", views.officers_admin, name="officers"),
    path("quan-tri/can-bo/<int:user_id>/mo-khoa/", views.officer_unlock, name="officer-unlock"),
]
