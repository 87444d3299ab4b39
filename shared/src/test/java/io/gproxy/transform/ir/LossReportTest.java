package io.gproxy.transform.ir;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss header carries client field names: it must stay a valid, bounded header value (issue 10). */
class LossReportTest {
    @Test
    void namesAreSortedAndJoined() {
        LossReport r = new LossReport();
        r.drop("logprobs");
        r.drop("audio");
        assertEquals("audio,logprobs", r.headerValue());
    }

    @Test
    void controlCharactersAndNonAsciiNeverReachTheHeader() {
        LossReport r = new LossReport();
        r.drop("\u0000k");
        r.drop("x\r\nset-cookie: a=b");
        r.drop("模型");
        String v = r.headerValue();
        assertTrue(v.chars().allMatch(c -> c > 0x20 && c < 0x7f), v);
        assertEquals("?k,x??set-cookie:?a=b,??", v);
    }

    @Test
    void theValueIsBounded() {
        LossReport r = new LossReport();
        for (int i = 0; i < 500; i++) {
            r.drop("field_" + i + "_" + "x".repeat(20));
        }
        assertEquals(1024, r.headerValue().length());
    }
}
