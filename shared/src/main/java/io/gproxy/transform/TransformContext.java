package io.gproxy.transform;

import io.gproxy.transform.ir.LossReport;

/**
 * What a conversion needs besides the payload.
 *
 * @param nowEpochSeconds the clock for {@code created} fields, fixed in golden tests
 * @param loss            where dropped fields are noted
 */
public record TransformContext(long nowEpochSeconds, LossReport loss) {

    public static TransformContext now() {
        return new TransformContext(System.currentTimeMillis() / 1000, new LossReport());
    }
}
