from django.urls import path

from postroom.transactional import views

urlpatterns = [
    path("app/tx/templates/", views.tx_template_list, name="tx_template_list"),
    path("app/tx/templates/<int:pk>/", views.tx_template_detail, name="tx_template_detail"),
    path("app/tx/", views.tx_log, name="tx_log"),
    path("app/tx/<str:public_id>/", views.tx_log_detail, name="tx_log_detail"),
]
