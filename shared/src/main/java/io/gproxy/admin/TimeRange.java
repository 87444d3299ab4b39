package io.gproxy.admin;

import io.gproxy.pipeline.GatewayError;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** {@code from} / {@code to} query parameters: ISO instants or dates (UTC), with a default span ending now. */
record TimeRange(Instant from, Instant to) {
    /** The longest span a query walks (one DynamoDB Query per day partition). */
    static final Duration MAX_SPAN = Duration.ofDays(400);

    static TimeRange of(AdminCall c, Clock clock, Duration defaultSpan) throws GatewayError {
        Instant to = c.query("to").isPresent() ? parse("to", c.query("to").get()) : clock.instant().plusMillis(1);
        Instant from = c.query("from").isPresent() ? parse("from", c.query("from").get()) : to.minus(defaultSpan);
        if (!from.isBefore(to)) {
            throw GatewayError.badRequest("from: must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
            throw GatewayError.badRequest("from: the range may span at most " + MAX_SPAN.toDays() + " days");
        }
        return new TimeRange(from, to);
    }

    private static Instant parse(String name, String value) throws GatewayError {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return Instant.ofEpochSecond(Long.parseLong(value));
                } catch (NumberFormatException e3) {
                    throw GatewayError.badRequest(name + ": expected an ISO-8601 time, a date or epoch seconds");
                }
            }
        }
    }

    static int limit(AdminCall c) throws GatewayError {
        if (c.query("limit").isEmpty()) {
            return 100;
        }
        try {
            int n = Integer.parseInt(c.query("limit").get());
            if (n < 1 || n > 1000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw GatewayError.badRequest("limit: expected an integer from 1 to 1000");
        }
    }

    static Long optionalId(AdminCall c, String name) throws GatewayError {
        if (c.query(name).isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(c.query(name).get());
        } catch (NumberFormatException e) {
            throw GatewayError.badRequest(name + ": expected an integer");
        }
    }
}
