package io.gproxy.billing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * Quota windows as fixed UTC buckets (spec/aws.md D5: bucket counters by time instead of resetting them): each
 * bucket is its own counter item, so a new window starts at zero with no re-baselining. The 5-hour and 7-day windows
 * are fixed buckets aligned to the epoch, not rolling windows anchored at first use as in the reference gateway.
 */
public enum Window {
    TOTAL("quota_total", "total"),
    DAY("quota_daily", "d"),
    WEEK("quota_weekly", "w"),
    MONTH("quota_monthly", "m"),
    FIVE_HOURS("quota_5h", "h5"),
    SEVEN_DAYS("quota_7d", "d7");

    private static final DateTimeFormatter MONTH_FMT = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    private final String field;
    private final String tag;

    Window(String field, String tag) {
        this.field = field;
        this.tag = tag;
    }

    /** The quota row's column. */
    public String field() {
        return field;
    }

    /** Sort key of this window's bucket at {@code now}: {@code Q#total}, {@code Q#d#2026-01-15}, {@code Q#w#2026-W03}, ... */
    public String bucketKey(Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        long s = now.getEpochSecond();
        return "Q#" + switch (this) {
            case TOTAL -> "total";
            case DAY -> tag + "#" + t.toLocalDate();
            case WEEK -> tag + "#" + t.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                    + String.format("%02d", t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> tag + "#" + MONTH_FMT.format(now);
            case FIVE_HOURS -> tag + "#" + Math.floorDiv(s, 5 * 3600L);
            case SEVEN_DAYS -> tag + "#" + Math.floorDiv(s, 7 * 86400L);
        };
    }

    /** When the bucket holding {@code now} ends; null for the total, which never resets. */
    public Instant end(Instant now) {
        LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate();
        long s = now.getEpochSecond();
        return switch (this) {
            case TOTAL -> null;
            case DAY -> d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            case WEEK -> d.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant();
            case MONTH -> d.with(TemporalAdjusters.firstDayOfNextMonth()).atStartOfDay(ZoneOffset.UTC).toInstant();
            case FIVE_HOURS -> Instant.ofEpochSecond((Math.floorDiv(s, 5 * 3600L) + 1) * 5 * 3600L);
            case SEVEN_DAYS -> Instant.ofEpochSecond((Math.floorDiv(s, 7 * 86400L) + 1) * 7 * 86400L);
        };
    }
}
