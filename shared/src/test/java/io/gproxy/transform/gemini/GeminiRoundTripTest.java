package io.gproxy.transform.gemini;

import static io.gproxy.transform.gemini.GeminiTestSupport.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.StreamEncoder;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.StreamEvent;
import io.gproxy.transform.ir.StreamEvent.BlockType;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Property tests: {@code decode(encode(ir))} keeps everything Gemini can express, for generated requests,
 * responses and event streams. What Gemini cannot carry is normalised out of the expected value first; each
 * normalisation says why.
 */
class GeminiRoundTripTest {
    private static final int CASES = 300;
    private static final double[] DECIMALS = {0.0, 0.1, 0.25, 0.5, 0.7, 0.95, 1.0, 1.5, 2.0};
    private static final String[] WORDS = {"alpha", "beta", "gamma", "Paris", "tool", "42", "naïve", "日本", "a\nb", "\"q\""};
    private final GeminiCodec codec = new GeminiCodec();

    // ---------------------------------------------------------------- requests

    @Test
    void requestsRoundTrip() throws TransformException {
        for (int i = 0; i < CASES; i++) {
            Random random = new Random(1000L + i);
            IrRequest ir = randomRequest(random);
            ObjectNode body = codec.encodeRequest(ir, ctx());
            // through bytes, as on the wire
            IrRequest back = codec.decodeRequest(GeminiTestSupport.json(GeminiMappings.write(body)), ctx());
            assertEquals(normalise(ir), back, "request case " + i + ": " + body);
        }
    }

    private IrRequest randomRequest(Random r) {
        List<Content> system = new ArrayList<>();
        for (int n = r.nextInt(3); n > 0; n--) {
            system.add(new Content.Text(text(r)));
        }
        List<Tool> tools = new ArrayList<>();
        int toolCount = r.nextInt(4);
        for (int t = 0; t < toolCount; t++) {
            tools.add(new Tool("fn_" + t, r.nextBoolean() ? "does " + text(r) : null, r.nextInt(4) == 0 ? null : schema(r),
                    r.nextInt(3) == 0 ? r.nextBoolean() : null, Tool.Kind.FUNCTION));
        }
        if (r.nextInt(4) == 0) {
            tools.add(r.nextInt(tools.size() + 1), new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH));
        }
        List<Message> messages = conversation(r);
        ToolChoice choice = switch (r.nextInt(6)) {
            case 0 -> ToolChoice.AUTO;
            case 1 -> ToolChoice.REQUIRED;
            case 2 -> ToolChoice.NONE;
            case 3 -> ToolChoice.named("fn_" + r.nextInt(3));
            default -> null;
        };
        Boolean parallel = r.nextInt(3) == 0 ? r.nextBoolean() : null;
        Generation generation = r.nextInt(4) == 0 ? Generation.NONE : new Generation(
                r.nextBoolean() ? 1 + r.nextInt(8192) : null,
                r.nextBoolean() ? DECIMALS[r.nextInt(DECIMALS.length)] : null,
                r.nextBoolean() ? DECIMALS[r.nextInt(7)] : null,
                r.nextBoolean() ? 1 + r.nextInt(100) : null,
                r.nextBoolean() ? List.of(text(r), "STOP") : null,
                r.nextBoolean() ? (long) r.nextInt(1_000_000) : null,
                r.nextBoolean() ? DECIMALS[r.nextInt(5)] : null,
                r.nextBoolean() ? -DECIMALS[1 + r.nextInt(4)] : null,
                r.nextBoolean() ? 1 + r.nextInt(3) : null);
        ResponseFormat format = switch (r.nextInt(5)) {
            case 0 -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
            case 1 -> new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, r.nextBoolean() ? "answer" : null,
                    r.nextBoolean() ? "the answer" : null, schema(r), r.nextBoolean() ? true : null);
            case 2 -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            default -> null;
        };
        return new IrRequest(r.nextBoolean() ? "gemini-2.5-flash" : null, system, messages, tools, choice, parallel,
                generation, format, reasoning(r), r.nextBoolean(), r.nextInt(5) == 0 ? "user-7" : null);
    }

    private static final String[] EFFORTS = {"none", "minimal", "low", "medium", "high", "xhigh"};

    private Reasoning reasoning(Random r) {
        Boolean include = switch (r.nextInt(3)) {
            case 0 -> true;
            case 1 -> false;
            default -> null;
        };
        String effort = r.nextInt(3) == 0 ? EFFORTS[r.nextInt(EFFORTS.length)] : null;
        return switch (r.nextInt(7)) {
            case 0 -> null;
            case 1 -> new Reasoning(Reasoning.Mode.DISABLED, r.nextBoolean() ? "none" : null,
                    r.nextBoolean() ? 0 : null, include, r.nextInt(4) == 0 ? "low" : null);
            case 2 -> new Reasoning(Reasoning.Mode.ENABLED, effort, 128 + r.nextInt(8000), include, null);
            case 3 -> new Reasoning(Reasoning.Mode.ADAPTIVE, effort, null, include, null);
            case 4 -> new Reasoning(null, EFFORTS[r.nextInt(EFFORTS.length)], null, include, null);
            case 5 -> new Reasoning(Reasoning.Mode.ENABLED, null, r.nextInt(9000) + 1, include, null);
            default -> new Reasoning(null, null, null, include == null ? Boolean.TRUE : include, null);
        };
    }

    private List<Message> conversation(Random r) {
        List<Message> messages = new ArrayList<>();
        int turns = 1 + r.nextInt(6);
        int callSeq = 0;
        for (int t = 0; t < turns; t++) {
            messages.add(new Message(Role.USER, userContent(r)));
            if (r.nextInt(8) == 0) {
                messages.add(new Message(Role.SYSTEM, List.of(new Content.Text("sys " + text(r)))));
            }
            if (t == turns - 1 && r.nextBoolean()) {
                break;
            }
            List<Content> assistant = new ArrayList<>();
            if (r.nextInt(3) == 0) {
                // Gemini's own signatures: the request encoder sends them, the decoder reads them as Google's
                String sig = r.nextBoolean() ? "sig" + r.nextInt(1000) : null;
                assistant.add(new Content.Reasoning(text(r), sig, null, false, sig == null ? null : OpaqueReasoning.GOOGLE));
            }
            if (r.nextBoolean()) {
                assistant.add(new Content.Text(text(r)));
            }
            List<Content.ToolCall> calls = new ArrayList<>();
            int n = r.nextInt(3);
            for (int c = 0; c < n; c++) {
                if (c == 0 && r.nextBoolean()) {
                    assistant.add(new Content.Reasoning(null, "callsig" + r.nextInt(1000), null, false, OpaqueReasoning.GOOGLE));
                }
                Content.ToolCall call = new Content.ToolCall(r.nextBoolean() ? "call_" + (callSeq++) + "x" : "toolu_" + (callSeq++),
                        "fn_" + r.nextInt(3), r.nextInt(10) == 0 ? "not json" : args(r), r.nextInt(12) == 0);
                calls.add(call);
                assistant.add(call);
            }
            if (r.nextInt(6) == 0) {
                assistant.add(new Content.Reasoning(null, "tailsig" + r.nextInt(100), null, false, OpaqueReasoning.GOOGLE));
            }
            if (assistant.isEmpty()) {
                assistant.add(new Content.Text(text(r)));
            }
            messages.add(new Message(Role.ASSISTANT, assistant));
            // results: sometimes one TOOL message per call (Chat style), sometimes all in one (Claude style)
            boolean split = r.nextBoolean();
            List<Content> results = new ArrayList<>();
            for (Content.ToolCall call : calls) {
                Content.ToolResult result = new Content.ToolResult(call.id(), r.nextBoolean() ? call.name() : null,
                        r.nextInt(5) == 0 ? List.of() : List.of(new Content.Text(text(r))), r.nextInt(4) == 0);
                if (split) {
                    messages.add(new Message(Role.TOOL, List.of(result)));
                } else {
                    results.add(result);
                }
            }
            if (!results.isEmpty()) {
                messages.add(new Message(Role.TOOL, results));
            }
        }
        return messages;
    }

    private List<Content> userContent(Random r) {
        List<Content> content = new ArrayList<>();
        content.add(new Content.Text(text(r)));
        switch (r.nextInt(8)) {
            case 0 -> content.add(new Content.Image("image/png", "iVBORw0KGgo" + r.nextInt(100), null, null, null));
            case 1 -> content.add(new Content.Image("image/jpeg", null, "https://example.com/p" + r.nextInt(9) + ".jpg",
                    null, null));
            case 2 -> content.add(new Content.Document("application/pdf", "JVBERi0xLjQ" + r.nextInt(9), null, null, null,
                    null));
            case 3 -> content.add(new Content.Document("application/pdf", null,
                    "https://generativelanguage.googleapis.com/v1beta/files/f" + r.nextInt(99), null, null, null));
            case 4 -> content.add(new Content.Audio(r.nextBoolean() ? "wav" : "mp3", "UklGRg" + r.nextInt(9)));
            case 5 -> content.add(new Content.Image(null, null, "data:image/webp;base64,UklGRabc", null, null));
            default -> {
            }
        }
        if (r.nextInt(4) == 0) {
            content.add(new Content.Text(text(r)));
        }
        return content;
    }

    private static String text(Random r) {
        StringBuilder sb = new StringBuilder(WORDS[r.nextInt(WORDS.length)]);
        for (int n = r.nextInt(4); n > 0; n--) {
            sb.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static String args(Random r) {
        ObjectNode args = Json.MAPPER.createObjectNode();
        for (int n = r.nextInt(4); n > 0; n--) {
            switch (r.nextInt(4)) {
                case 0 -> args.put("s" + n, text(r));
                case 1 -> args.put("i" + n, r.nextInt(1000));
                case 2 -> args.put("b" + n, r.nextBoolean());
                default -> args.putObject("o" + n).put("k", text(r)).putArray("list").add(1).add("two");
            }
        }
        return GeminiMappings.write(args);
    }

    private static ObjectNode schema(Random r) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.putObject("q").put("type", "string").put("description", "query");
        if (r.nextBoolean()) {
            props.putObject("n").put("type", "integer").put("minimum", 0);
        }
        if (r.nextBoolean()) {
            props.putObject("tags").put("type", "array").putObject("items").put("type", "string");
        }
        s.putArray("required").add("q");
        if (r.nextBoolean()) {
            s.put("additionalProperties", false);
        }
        return s;
    }

    /**
     * What a Gemini body cannot carry: the model and stream flag (URL), the end user, parallel_tool_calls, tool
     * strictness, response format name/description/strict, verbosity, custom tools (sent as functions taking
     * {@code input}), mid-conversation system messages (sent as user turns), and the split of tool results over
     * several messages (one Gemini turn answers one model turn). Names of tool results are always present on the
     * Gemini side (looked up from the call). Data URLs become inline data and file ids file URIs. Reasoning
     * configuration follows surface.md §4.8 (one of budget or level; DISABLED is budget 0 without thoughts).
     */
    private IrRequest normalise(IrRequest ir) {
        List<Message> messages = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Message m : ir.messages()) {
            List<Content> content = new ArrayList<>();
            for (Content c : m.content()) {
                content.add(normaliseContent(c, names));
            }
            Role role = m.role() == Role.SYSTEM ? Role.USER : m.role();
            Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            if (role == Role.TOOL && last != null && last.role() == Role.TOOL) {
                List<Content> merged = new ArrayList<>(last.content());
                merged.addAll(content);
                messages.set(messages.size() - 1, new Message(Role.TOOL, merged));
            } else {
                messages.add(new Message(role, content));
            }
        }
        List<Tool> tools = new ArrayList<>();
        boolean search = false;
        for (Tool t : ir.tools()) {
            if (t.kind() == Tool.Kind.WEB_SEARCH) {
                search = true;
            } else {
                tools.add(new Tool(t.name(), t.description(), t.parameters(), null, Tool.Kind.FUNCTION));
            }
        }
        if (search) {
            tools.add(new Tool("google_search", null, null, null, Tool.Kind.WEB_SEARCH));
        }
        ResponseFormat format = ir.responseFormat() == null ? null
                : new ResponseFormat(ir.responseFormat().type(), null, null, ir.responseFormat().schema(), null);
        return new IrRequest(null, ir.system(), messages, tools, ir.toolChoice(), null, ir.generation(), format,
                normaliseReasoning(ir.reasoning(), ir.model()), false, null);
    }

    private static Content normaliseContent(Content c, Map<String, String> names) {
        return switch (c) {
            case Content.ToolCall call -> {
                names.put(call.id(), call.name());
                if (call.custom()) {
                    ObjectNode args = Json.MAPPER.createObjectNode().put("input", call.arguments());
                    yield new Content.ToolCall(call.id(), call.name(), GeminiMappings.write(args), false);
                }
                yield call.arguments().equals("not json")
                        ? new Content.ToolCall(call.id(), call.name(), "{}", false) : call;
            }
            case Content.ToolResult res -> new Content.ToolResult(res.callId(),
                    res.name() != null ? res.name() : names.get(res.callId()), res.content(), res.isError());
            case Content.Image img when img.url() != null && img.url().startsWith("data:") ->
                    new Content.Image("image/webp", "UklGRabc", null, null, null);
            default -> c;
        };
    }

    private static Reasoning normaliseReasoning(Reasoning r, String model) {
        if (r == null) {
            return null;
        }
        if (r.mode() == Reasoning.Mode.DISABLED) {
            return new Reasoning(Reasoning.Mode.DISABLED, null, 0, false, null);
        }
        Boolean include = r.includeThoughts();
        if (include == null && r.mode() == Reasoning.Mode.ENABLED) {
            include = true;
        }
        if (r.budgetTokens() != null) {
            return new Reasoning(Reasoning.Mode.ENABLED, null, r.budgetTokens(), include, null);
        }
        if (r.effort() != null && GeminiRequestEncoder.budgetOnly(model)) {
            // Gemini 2.5 takes no thinking level: the effort becomes Google's budget for it
            int budget = switch (r.effort()) {
                case "none" -> 0;
                case "minimal", "low" -> 1024;
                case "high", "xhigh" -> 24576;
                default -> 8192;
            };
            return new Reasoning(budget == 0 ? Reasoning.Mode.DISABLED : Reasoning.Mode.ENABLED, null, budget, include, null);
        }
        if (r.effort() != null) {
            String effort = switch (r.effort()) {
                case "none" -> "minimal";
                case "xhigh" -> "high";
                default -> r.effort();
            };
            return new Reasoning(null, effort, null, include, null);
        }
        if (r.mode() == Reasoning.Mode.ADAPTIVE || Boolean.TRUE.equals(include)) {
            return new Reasoning(Reasoning.Mode.ADAPTIVE, null, null, include, null);
        }
        if (Boolean.FALSE.equals(include)) {
            return new Reasoning(Reasoning.Mode.DISABLED, null, null, false, null);
        }
        return null; // nothing Gemini can say: no thinkingConfig
    }

    // ---------------------------------------------------------------- responses

    @Test
    void responsesRoundTrip() throws TransformException {
        for (int i = 0; i < CASES; i++) {
            Random r = new Random(5000L + i);
            List<Content> content = new ArrayList<>();
            boolean calls = false;
            int n = r.nextInt(5);
            for (int b = 0; b < n; b++) {
                switch (r.nextInt(6)) {
                    case 0 -> content.add(new Content.Reasoning(text(r), r.nextBoolean() ? "s" + b : null, null, false));
                    case 1, 2 -> content.add(new Content.Text(text(r)));
                    case 3 -> content.add(new Content.Refusal(text(r)));
                    case 4 -> content.add(new Content.Reasoning(null, "only" + b, null, false));
                    default -> {
                        calls = true;
                        content.add(new Content.ToolCall("id_" + b, "fn", args(r), false));
                    }
                }
            }
            FinishReason finish = r.nextInt(6) == 0 ? null : FinishReason.values()[r.nextInt(FinishReason.values().length)];
            Usage usage = r.nextInt(4) == 0 ? Usage.EMPTY : usage(r);
            IrResponse ir = new IrResponse(r.nextBoolean() ? "resp_" + i : null, r.nextBoolean() ? "gemini-2.5-pro" : null,
                    content, finish, usage, r.nextBoolean() ? 1_700_000_000L : 0);
            ObjectNode body = codec.encodeResponse(ir, ctx());
            IrResponse back = codec.decodeResponse(GeminiTestSupport.json(GeminiMappings.write(body)), ctx());
            assertEquals(normalise(ir, calls), back, "response case " + i + ": " + body);
        }
    }

    private static Usage usage(Random r) {
        long output = r.nextInt(500);
        return new Usage((long) r.nextInt(1000), output, r.nextBoolean() ? (long) r.nextInt(100) : null,
                r.nextInt(4) == 0 ? 5L : null, null, r.nextBoolean() ? (long) r.nextInt((int) output + 1) : null);
    }

    /**
     * Gemini has no refusal block (plain text), no creation time (the Gemini API sends none), no cache-write
     * count; an unknown finish is STOP, a tool turn is STOP on the wire and TOOL_CALLS again when function calls
     * are present, an error finish is OTHER (STOP back).
     */
    private static IrResponse normalise(IrResponse ir, boolean calls) {
        List<Content> content = ir.content().stream()
                .map(c -> c instanceof Content.Refusal ref ? (Content) new Content.Text(ref.text()) : c).toList();
        FinishReason finish = switch (ir.finish() == null ? FinishReason.STOP : ir.finish()) {
            case STOP, TOOL_CALLS, ERROR -> calls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
        };
        Usage u = ir.usage();
        Usage usage = u.isEmpty() ? Usage.EMPTY
                : new Usage(u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), null, null, u.reasoningTokens());
        return new IrResponse(ir.id(), ir.model(), content, finish, usage, 0);
    }

    // ---------------------------------------------------------------- streams

    @Test
    void streamsRoundTrip() throws TransformException {
        for (int i = 0; i < CASES; i++) {
            Random r = new Random(9000L + i);
            List<StreamEvent> events = randomStream(r);
            StreamEncoder encoder = codec.newStreamEncoder(ctx());
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (StreamEvent e : events) {
                for (SseFrame f : encoder.encode(e)) {
                    wire.writeBytes(f.encode());
                }
            }
            for (SseFrame f : encoder.finish()) {
                wire.writeBytes(f.encode());
            }
            // re-parse the bytes in random network chunks, as the pipeline would
            byte[] bytes = wire.toByteArray();
            SseDecoder sse = new SseDecoder();
            StreamDecoder decoder = codec.newStreamDecoder(ctx());
            List<StreamEvent> back = new ArrayList<>();
            int pos = 0;
            while (pos < bytes.length) {
                int len = Math.min(bytes.length - pos, 1 + r.nextInt(64));
                for (SseFrame f : sse.feed(bytes, pos, len)) {
                    back.addAll(decoder.decode(f));
                }
                pos += len;
            }
            for (SseFrame f : sse.finish()) {
                back.addAll(decoder.decode(f));
            }
            back.addAll(decoder.finish());
            List<StreamEvent> expected = normaliseStream(events);
            assertEquals(GeminiStreamEncoderTest.withoutUsage(expected), GeminiStreamEncoderTest.withoutUsage(back),
                    "stream case " + i + ": " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            if (!(back.get(back.size() - 1) instanceof StreamEvent.Error)) {
                // a usage without input still reports promptTokenCount (0); cache writes have no Gemini field
                Usage sent = GeminiStreamEncoderTest.mergedUsage(events);
                Usage expectedUsage = sent.isEmpty() ? Usage.EMPTY : new Usage(Usage.nz(sent.inputTokens()),
                        sent.outputTokens(), sent.cacheReadTokens(), null, null, sent.reasoningTokens());
                assertEquals(expectedUsage, GeminiStreamEncoderTest.mergedUsage(back), "stream usage case " + i);
            }
        }
    }

    /** Adjacent blocks of one kind would merge on Gemini (consecutive text parts are one text); the generator
     * alternates kinds, as a real stream does. */
    private List<StreamEvent> randomStream(Random r) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.Start("resp_" + r.nextInt(1000), "gemini-2.5-flash",
                r.nextBoolean() ? new Usage((long) r.nextInt(100), null, null, null, null, null) : Usage.EMPTY));
        int blocks = r.nextInt(6);
        BlockType previous = null;
        boolean previousSigned = false;
        boolean calls = false;
        int index = 0;
        for (int b = 0; b < blocks; b++) {
            int kind = r.nextInt(4);
            BlockType type = switch (kind) {
                case 0 -> BlockType.TEXT;
                case 1, 3 -> BlockType.REASONING;
                default -> BlockType.TOOL_CALL;
            };
            if (type == previous && type != BlockType.TOOL_CALL && !(type == BlockType.REASONING && previousSigned)) {
                continue;
            }
            boolean signatureOnly = type == BlockType.REASONING && kind == 3;
            String toolId = type == BlockType.TOOL_CALL ? (r.nextBoolean() ? "toolu_" + b : "call_" + b + "z") : null;
            events.add(new StreamEvent.BlockStart(index, type, toolId, type == BlockType.TOOL_CALL ? "fn_" + b : null));
            previousSigned = false;
            switch (type) {
                case TEXT -> {
                    for (int d = 1 + r.nextInt(3); d > 0; d--) {
                        events.add(new StreamEvent.TextDelta(index, text(r)));
                    }
                }
                case REASONING -> {
                    if (!signatureOnly) {
                        for (int d = 1 + r.nextInt(3); d > 0; d--) {
                            events.add(new StreamEvent.ReasoningDelta(index, text(r)));
                        }
                    }
                    if (signatureOnly || r.nextBoolean()) {
                        events.add(new StreamEvent.ReasoningSignature(index, "sig_" + b, null));
                        previousSigned = true;
                    }
                }
                default -> {
                    calls = true;
                    String args = args(r);
                    int cut = args.length() / 2;
                    events.add(new StreamEvent.ToolArgumentsDelta(index, args.substring(0, cut)));
                    events.add(new StreamEvent.ToolArgumentsDelta(index, args.substring(cut)));
                }
            }
            if (r.nextInt(5) == 0) {
                events.add(new StreamEvent.UsageUpdate(new Usage(null, (long) r.nextInt(50), null, null, null, null)));
            }
            events.add(new StreamEvent.BlockStop(index));
            index++;
            previous = signatureOnly ? null : type;
        }
        switch (r.nextInt(10)) {
            case 0 -> events.add(new StreamEvent.Error("overloaded", "busy"));
            case 1 -> {
                // cut: no End; the encoder's finish() owes the error frame
            }
            default -> {
                events.add(new StreamEvent.Finish(calls ? FinishReason.TOOL_CALLS
                        : new FinishReason[] {FinishReason.STOP, FinishReason.LENGTH, FinishReason.CONTENT_FILTER}[r.nextInt(3)]));
                if (r.nextBoolean()) {
                    events.add(new StreamEvent.UsageUpdate(new Usage((long) r.nextInt(100), 60L + r.nextInt(40),
                            r.nextBoolean() ? 3L : null, null, null, r.nextBoolean() ? (long) r.nextInt(60) : null)));
                }
                events.add(new StreamEvent.End());
            }
        }
        return events;
    }

    /**
     * Tool arguments come back as one delta (Gemini sends the whole args object), and a failed or cut stream
     * reaches the client as the redacted Gemini error frame. A signature-only block that precedes nothing is
     * re-sent as the last chunk; its position among the other blocks is kept.
     */
    private static List<StreamEvent> normaliseStream(List<StreamEvent> events) {
        List<StreamEvent> out = new ArrayList<>();
        Map<Integer, StringBuilder> args = new HashMap<>();
        boolean ended = false;
        for (StreamEvent e : events) {
            switch (e) {
                case StreamEvent.ToolArgumentsDelta a -> args.computeIfAbsent(a.index(), k -> new StringBuilder())
                        .append(a.partialJson());
                case StreamEvent.BlockStop s -> {
                    StringBuilder a = args.remove(s.index());
                    if (a != null) {
                        out.add(new StreamEvent.ToolArgumentsDelta(s.index(), a.toString()));
                    }
                    out.add(s);
                }
                case StreamEvent.Error err -> {
                    ended = true;
                    out.add(new StreamEvent.Error("unavailable", "upstream request failed"));
                }
                case StreamEvent.End end -> {
                    ended = true;
                    out.add(end);
                }
                default -> out.add(e);
            }
        }
        if (!ended) {
            out.add(new StreamEvent.Error("unavailable", "upstream request failed"));
        }
        // usage only reaches a Gemini client in content chunks and the last chunk, never before an error frame
        if (out.get(out.size() - 1) instanceof StreamEvent.Error) {
            out.removeIf(e -> e instanceof StreamEvent.UsageUpdate);
            dropUnsentTail(out);
        }
        return out;
    }

    /** Removes events the encoder could not have sent before the error: an unstopped block and what it buffered. */
    private static void dropUnsentTail(List<StreamEvent> out) {
        // the generator always stops its blocks, so only a trailing signature-only block may be unsent:
        // its signature waits for a next part that never comes
        int errorAt = out.size() - 1;
        if (errorAt >= 3 && out.get(errorAt - 1) instanceof StreamEvent.BlockStop
                && out.get(errorAt - 2) instanceof StreamEvent.ReasoningSignature
                && out.get(errorAt - 3) instanceof StreamEvent.BlockStart start && start.type() == BlockType.REASONING) {
            out.subList(errorAt - 3, errorAt).clear();
        }
        // Gemini has no block end: the decoder closes a text or reasoning block when the next one opens (a function
        // call or a signature on a non-thought part is complete in its part), so a stream that fails leaves the
        // last sent text/reasoning block unstopped
        errorAt = out.size() - 1;
        if (errorAt >= 1 && out.get(errorAt - 1) instanceof StreamEvent.BlockStop stop) {
            int startAt = 0;
            while (!(out.get(startAt) instanceof StreamEvent.BlockStart s && s.index() == stop.index())) {
                startAt++;
            }
            boolean toolCall = ((StreamEvent.BlockStart) out.get(startAt)).type() == BlockType.TOOL_CALL;
            boolean signatureOnly = errorAt - 1 - startAt == 2
                    && out.get(startAt + 1) instanceof StreamEvent.ReasoningSignature;
            if (!toolCall && !signatureOnly) {
                out.remove(errorAt - 1);
            }
        }
        // an error before any chunk was sent: the decoder still starts, without id or model
        if (out.size() == 2 && out.get(0) instanceof StreamEvent.Start) {
            out.set(0, new StreamEvent.Start(null, null, Usage.EMPTY));
        }
    }
}
