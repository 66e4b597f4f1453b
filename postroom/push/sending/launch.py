"""A push run's launch rows: one per valid device of the audience (the launch's INSERT … SELECT)."""

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from postroom.audience.models import Subscriber
from postroom.delivery.sending.waves import LaunchSource
from postroom.push.models import Device

_DEVICES = Device._meta.db_table


def device_rows(audience: QuerySet[Subscriber]) -> LaunchSource:
    """`SELECT id, email, time_zone, device_id`: id the subscriber, email '' (a push has no address),
    the device's time zone, else the subscriber's (the send window's zone)."""
    inner_sql, inner_params = audience.values_list("id", "time_zone").query.sql_with_params()
    sql = (
        "SELECT s.id AS id, '' AS email, "  # noqa: S608
        "COALESCE(NULLIF(d.time_zone, ''), s.time_zone) AS time_zone, d.id AS device_id "
        f"FROM {_DEVICES} d JOIN ({inner_sql}) s ON s.id = d.subscriber_id "
        "WHERE d.is_valid = %s"
    )

    def zones() -> list[str]:
        return list(
            Device.objects.filter(subscriber__in=audience.values("pk"), is_valid=True)
            .annotate(zone=Coalesce(NullIf("time_zone", Value("")), "subscriber__time_zone"))
            .values_list("zone", flat=True)
            .distinct()
        )

    return LaunchSource(sql, [*inner_params, True], zones, devices=True)
