# One date and one date-time format per language, short or long alike (Django's
# own Russian mixes a long date with a year mark and a numeric short one).
DATE_FORMAT = "j E Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
