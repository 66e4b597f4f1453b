import factory

from postroom.content.models import MessageKind
from postroom.content.tests.factories import MessageFactory


class TxTemplateFactory(MessageFactory):
    kind = MessageKind.TRANSACTIONAL
    name = factory.Sequence(lambda n: f"Receipt {n}")
    subject = "Your order {{ order_id }}"
    from_email = "shop@example.com"
    body = "<p>Thank you, {{ name }}: order {{ order_id }} is on its way.</p>"
    required_variables = factory.LazyFunction(lambda: ["order_id", "name"])


def send_body(template, to="ann@example.com", **extra):
    body = {
        "template": template.pk,
        "to": [to] if isinstance(to, str) else to,
        "data": {"order_id": "A-1", "name": "Ann"},
    }
    return {**body, **extra}
