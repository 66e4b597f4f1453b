# One date and one date-time format per language, short or long alike: lists,
# pages and the dashboard read the same way (Django's own English mixes
# "June 3, 2030, 9 a.m." with "06/03/2030 9 a.m."). 24-hour times, day first.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
