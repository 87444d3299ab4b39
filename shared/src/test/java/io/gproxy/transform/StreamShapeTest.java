package io.gproxy.transform;

import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthesis (answer → stream) and aggregation (stream → answer) are inverses, and a broken stream is no answer. */
class StreamShapeTest {
    private static final IrResponse ANSWER = new IrResponse("id-1", "m", List.of(
            new Content.Reasoning("thinking it over", "sig-abc", null, false, "anthropic-claude-v1"),
            new Content.Text("Paris it is."),
            new Content.ToolCall("call_1", "weather", "{\"city\":\"Paris\"}", false),
            new Content.ToolCall("call_2", "apply_patch", "*** Begin Patch", true)),
            FinishReason.TOOL_CALLS, new Usage(12L, 7L, 2L, null, null, 3L), 1700000000L);

    @Test
    void synthesisThenAggregationGivesTheAnswerBack() {
        StreamAggregator aggregator = new StreamAggregator();
        StreamSynthesizer.events(ANSWER).forEach(aggregator::accept);
        assertTrue(!aggregator.failed());
        assertEquals(ANSWER, aggregator.response(1700000000L));
    }

    @Test
    void synthesisFollowsTheStreamOrderContract() {
        List<StreamEvent> events = StreamSynthesizer.events(ANSWER);
        assertTrue(events.get(0) instanceof StreamEvent.Start);
        assertTrue(events.get(events.size() - 1) instanceof StreamEvent.End);
        assertTrue(events.get(events.size() - 3) instanceof StreamEvent.Finish);
    }

    @Test
    void aStreamWithoutItsEndOrWithAnErrorIsNotAnAnswer() {
        StreamAggregator cut = new StreamAggregator();
        cut.accept(new StreamEvent.Start("x", "m", null));
        cut.accept(new StreamEvent.BlockStart(0, StreamEvent.BlockType.TEXT, null, null, false));
        cut.accept(new StreamEvent.TextDelta(0, "partial"));
        assertTrue(cut.failed());

        StreamAggregator errored = new StreamAggregator();
        errored.accept(new StreamEvent.Start("x", "m", null));
        errored.accept(new StreamEvent.Error("overloaded", "try later"));
        errored.accept(new StreamEvent.End());
        assertTrue(errored.failed());
    }
}
