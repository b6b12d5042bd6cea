from django.urls import path

from . import views

app_name = "registry"

# Paths are Vietnamese, as citizens read them. Nothing personal ever goes into a path or a query
# string: the look-up is a POST, and its answer is a page or the draft itself.
urlpatterns = [
    path("tra-cuu-ma-so-bhxh/", views.lookup, name="lookup"),
]
