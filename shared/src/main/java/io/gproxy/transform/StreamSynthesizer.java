package io.gproxy.transform;

import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.StreamEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a complete response into the IR event stream a streaming client expects (spec/surface.md §5.6,
 * "SynthesizeStream"): one block per content item, each with a single delta carrying its whole text or arguments,
 * then the finish reason, the usage and the end. The client codec's stream encoder makes it its protocol's stream.
 */
public final class StreamSynthesizer {
    private StreamSynthesizer() {}

    public static List<StreamEvent> events(IrResponse response) {
        List<StreamEvent> out = new ArrayList<>();
        out.add(new StreamEvent.Start(response.id(), response.model(), null));
        int index = 0;
        for (Content c : response.content()) {
            switch (c) {
                case Content.Text t -> {
                    out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockType.TEXT, null, null, false));
                    out.add(new StreamEvent.TextDelta(index, t.text()));
                    out.add(new StreamEvent.BlockStop(index++));
                }
                case Content.Refusal r -> {
                    out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockType.REFUSAL, null, null, false));
                    out.add(new StreamEvent.TextDelta(index, r.text()));
                    out.add(new StreamEvent.BlockStop(index++));
                }
                case Content.Reasoning r -> {
                    out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockType.REASONING, null, null, false));
                    if (r.text() != null && !r.text().isEmpty()) {
                        out.add(new StreamEvent.ReasoningDelta(index, r.text(), r.summary()));
                    }
                    if (r.signature() != null || r.encrypted() != null) {
                        out.add(new StreamEvent.ReasoningSignature(index, r.signature(), r.encrypted(), r.origin()));
                    }
                    out.add(new StreamEvent.BlockStop(index++));
                }
                case Content.ToolCall call -> {
                    out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockType.TOOL_CALL, call.id(), call.name(), call.custom()));
                    out.add(new StreamEvent.ToolArgumentsDelta(index, call.arguments() == null ? "{}" : call.arguments()));
                    out.add(new StreamEvent.BlockStop(index++));
                }
                default -> {
                    // images, documents and other inputs do not appear in answers the codecs produce
                }
            }
        }
        out.add(new StreamEvent.Finish(response.finish() == null ? FinishReason.STOP : response.finish()));
        if (!response.usage().isEmpty()) {
            out.add(new StreamEvent.UsageUpdate(response.usage()));
        }
        out.add(new StreamEvent.End());
        return out;
    }
}
