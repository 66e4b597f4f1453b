from django.urls import path

from postroom.crm.views import analytics, catalogue, leads, public, sales

urlpatterns = [
    path("f/<uuid:form_id>/", public.lead_form, name="crm_lead_form"),
    path("f/<uuid:form_id>/embed.js", public.lead_form_embed, name="crm_lead_form_embed"),
    path("app/crm/", leads.lead_list, name="crm_lead_list"),
    path("app/crm/leads/new/", leads.lead_create_view, name="crm_lead_create"),
    path("app/crm/leads/<int:pk>/", leads.lead_detail, name="crm_lead"),
    path("app/crm/leads/<int:pk>/note/", leads.lead_note, name="crm_lead_note"),
    path("app/crm/leads/<int:pk>/merge/", leads.lead_merge_view, name="crm_lead_merge"),
    path("app/crm/leads/<int:pk>/delete/", leads.lead_delete_view, name="crm_lead_delete"),
    path("app/crm/leads/<int:pk>/convert/", sales.lead_convert, name="crm_lead_convert"),
    path("app/crm/services/", catalogue.service_list, name="crm_service_list"),
    path("app/crm/services/<int:pk>/", catalogue.service_list, name="crm_service_edit"),
    path("app/crm/services/<int:pk>/delete/", catalogue.service_delete, name="crm_service_delete"),
    path("app/crm/settings/", catalogue.crm_settings, name="crm_settings"),
    path("app/crm/campaigns/", catalogue.ad_campaign_list, name="crm_ad_campaign_list"),
    path("app/crm/campaigns/<int:pk>/", catalogue.ad_campaign_detail, name="crm_ad_campaign"),
    path("app/crm/campaigns/<int:pk>/spend/", catalogue.spend_add_view, name="crm_spend_add"),
    path(
        "app/crm/campaigns/<int:pk>/spend/<int:entry>/delete/",
        catalogue.spend_delete_view,
        name="crm_spend_delete",
    ),
    path(
        "app/crm/campaigns/<int:pk>/spend/import/",
        catalogue.spend_import_view,
        name="crm_spend_import",
    ),
    path("app/crm/customers/", sales.customer_list, name="crm_customer_list"),
    path("app/crm/customers/<int:pk>/", sales.customer_detail, name="crm_customer"),
    path(
        "app/crm/contracts/<int:pk>/delete/", sales.contract_delete_view, name="crm_contract_delete"
    ),
    path("app/crm/contracts/<int:pk>/document/", sales.contract_document, name="crm_document"),
    path("app/crm/analytics/", analytics.analytics_page, name="crm_analytics"),
    path("app/crm/analytics.csv", analytics.analytics_export, name="crm_analytics_csv"),
]
