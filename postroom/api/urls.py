from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from rest_framework.urlpatterns import format_suffix_patterns

from postroom.accounts import apis as accounts_apis
from postroom.audience import apis as audience_apis
from postroom.campaigns import apis as campaign_apis
from postroom.content import apis as content_apis
from postroom.core.rest.errors import not_found
from postroom.crm import apis as crm_apis
from postroom.delivery import apis as delivery_apis
from postroom.experiments import apis as experiment_apis
from postroom.push import apis as push_apis
from postroom.reports import apis as reports_apis
from postroom.tracking import apis as tracking_apis
from postroom.transactional import apis as tx_apis
from postroom.webhooks import apis as webhooks_apis

router = DefaultRouter(trailing_slash=True)
router.register("workspaces", accounts_apis.WorkspaceApi, basename="workspace")
router.register("members", accounts_apis.MemberApi, basename="member")
router.register("invitations", accounts_apis.InvitationApi, basename="invitation")
router.register("subscribers", audience_apis.SubscriberApi, basename="subscriber")
router.register("lists", audience_apis.MailingListApi, basename="list")
router.register("segments", audience_apis.SegmentApi, basename="segment")
router.register("custom-fields", audience_apis.CustomFieldApi, basename="custom-field")
router.register("suppressions", audience_apis.SuppressionApi, basename="suppression")
router.register("imports", audience_apis.ImportApi, basename="import")
router.register("messages", content_apis.MessageApi, basename="message")
router.register("layouts", content_apis.LayoutApi, basename="layout")
router.register("blocks", content_apis.ContentBlockApi, basename="block")
# The same campaigns seen from the apps above them: their outbox (/campaigns/{id}/progress/,
# /deliveries/) and their report (/stats/, /links/). Registered first, so that the API
# root's "campaigns" entry stays the campaigns' list.
router.register("campaigns", delivery_apis.CampaignOutboxApi, basename="campaign-outbox")
router.register("campaigns", reports_apis.CampaignReportApi, basename="campaign-report")
router.register("campaigns", experiment_apis.CampaignExperimentApi, basename="campaign-experiment")
router.register("campaigns", campaign_apis.CampaignApi, basename="campaign")
router.register("relays", delivery_apis.RelayApi, basename="relay")
router.register("events", tracking_apis.EventApi, basename="event")
router.register("conversions", tracking_apis.ConversionApi, basename="conversion")
router.register("crm/services", crm_apis.ServiceApi, basename="crm-service")
router.register("crm/ad-campaigns", crm_apis.AdCampaignApi, basename="crm-ad-campaign")
router.register("crm/spend", crm_apis.SpendEntryApi, basename="crm-spend")
router.register("crm/leads", crm_apis.LeadApi, basename="crm-lead")
router.register("crm/customers", crm_apis.CustomerApi, basename="crm-customer")
router.register("crm/contracts", crm_apis.ContractApi, basename="crm-contract")
router.register("webhooks", webhooks_apis.WebhookEndpointApi, basename="webhook")
router.register("push/devices", push_apis.DeviceApi, basename="push-device")
router.register("push/creatives", push_apis.CreativeApi, basename="push-creative")
router.register("push/providers", push_apis.ProviderApi, basename="push-provider")
router.register("push/registration-keys", push_apis.RegistrationKeyApi, basename="push-key")
router.register("tx", tx_apis.TxApi, basename="tx")
router.register("staff/campaigns", campaign_apis.StaffCampaignApi, basename="staff-campaign")

urlpatterns = [
    path("auth/token/", accounts_apis.TokenObtainApi.as_view(), name="api_token"),
    path("me/", accounts_apis.MeApi.as_view(), name="api_me"),
    path("crm/settings/", crm_apis.CrmSettingsApi.as_view(), name="api_crm_settings"),
    path("crm/analytics/", crm_apis.AnalyticsApi.as_view(), name="api_crm_analytics"),
    path("crm/analytics.csv", crm_apis.AnalyticsCsvApi.as_view(), name="api_crm_analytics_csv"),
    # A message's test send belongs to delivery (content may not import the sender);
    # routed as the router would route an action on the message viewset.
    *format_suffix_patterns(
        [
            re_path(
                r"^messages/(?P<pk>[^/.]+)/test-send/$",
                delivery_apis.MessageTestSendApi.as_view({"post": "test_send"}),
                name="message-test-send",
            )
        ]
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
    re_path(r"^.*$", not_found, name="api_not_found"),
]
