"""The benchmark's message: about 15 KB of HTML, 5 links, personalized."""

_PARAGRAPH = (
    '<p class="text">Dear {{ subscriber.first_name }}, here is what is new this week at '
    "our shop: fresh arrivals, seasonal offers and stories from the people who make the "
    "things you love. Read on for the details and the links below.</p>\n"
)
LINKS = "".join(
    f'<p><a class="button" href="https://shop.example.com/offer/{n}?c={{{{ campaign.id }}}}">'
    f"Offer {n}</a></p>\n"
    for n in range(1, 6)
)
TEMPLATE = (
    "<html><head><style>.text{font-family:Arial,sans-serif;font-size:15px;color:#333}"
    ".button{background:#0a7;color:#fff;padding:8px 16px;text-decoration:none}</style></head>"
    "<body><h1>Hello {{ subscriber.full_name }}</h1>\n"
    + _PARAGRAPH * 68
    + LINKS
    + '<p class="text"><a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>'
)
# What the baseline sends: the same HTML, rendered by plain replacement.
HTML = (
    TEMPLATE.replace("{{ subscriber.first_name }}", "{first}")
    .replace("{{ subscriber.full_name }}", "{full}")
    .replace("{{ campaign.id }}", "1")
    .replace("{{ unsubscribe_url }}", "https://example.com/u/{token}/")
)


def personalize(template: str, i: int) -> str:
    return (
        template.replace("{first}", "Person")
        .replace("{full}", f"Person {i}")
        .replace("{token}", f"t{i}")
        .replace("{email}", f"person{i}@example.com")
        .replace("{name}", "Person")
    )
