package io.gproxy.tests.bench;

import io.gproxy.tests.bench.BenchEnv.Via;

import java.util.Map;

/** The shape of the one result table, shared by every row class. */
final class Rows {
    static final String[] HEADER = {"#", "measurement", "direct", "gproxy · DynamoDB", "gproxy · memory store", "Portkey", "note"};

    private Rows() {}

    /** A row's cells from values by target; a target without a value shows "—". */
    static String[] cells(String number, String measurement, Map<Via, String> values, String note) {
        return new String[] {number, measurement,
                values.getOrDefault(Via.DIRECT, Cells.NONE),
                values.getOrDefault(Via.GPROXY_DDB, Cells.NONE),
                values.getOrDefault(Via.GPROXY_MEM, Cells.NONE),
                values.getOrDefault(Via.PORTKEY, Cells.NONE),
                note == null ? "" : note};
    }
}
