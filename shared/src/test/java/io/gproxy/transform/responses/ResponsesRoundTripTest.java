package io.gproxy.transform.responses;

import static io.gproxy.transform.responses.Fixtures.ctx;
import static io.gproxy.transform.responses.Fixtures.encodeStream;
import static io.gproxy.transform.responses.Fixtures.reparse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.TransformException;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Property: decode(encode(ir)) keeps everything the Responses wire can carry, for generated requests, responses and
 * streams. What it cannot carry is normalised away first, as each {@code normalise} method documents.
 */
class ResponsesRoundTripTest {
    private static final int CASES = 300;
    private final ResponsesCodec codec = new ResponsesCodec();

    // ================================================================== requests

    @Test
    void requests() throws TransformException {
        Random rnd = new Random(20251031L);
        for (int i = 0; i < CASES; i++) {
            IrRequest ir = randomRequest(rnd);
            ObjectNode wire = codec.encodeRequest(ir, ctx());
            IrRequest back = codec.decodeRequest(Fixtures.parse(new String(Json.bytes(wire), StandardCharsets.UTF_8)), ctx());
            assertEquals(normalise(ir), back, "case " + i + ": " + wire);
        }
    }

    private static IrRequest randomRequest(Random rnd) {
        List<Content> system = new ArrayList<>();
        for (int n = rnd.nextInt(3); n > 0; n--) {
            system.add(new Content.Text(word(rnd) + " system"));
        }
        List<Tool> tools = new ArrayList<>();
        for (int n = rnd.nextInt(4); n > 0; n--) {
            tools.add(switch (rnd.nextInt(4)) {
                case 0 -> new Tool("custom_" + tools.size(), rnd.nextBoolean() ? "free text tool" : null, null, null,
                        Tool.Kind.CUSTOM);
                case 1 -> new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH);
                default -> new Tool("fn_" + tools.size(), rnd.nextBoolean() ? "does things" : null,
                        rnd.nextInt(4) == 0 ? null : schema(rnd), pick(rnd, null, true, false), Tool.Kind.FUNCTION);
            });
        }
        List<Message> messages = new ArrayList<>();
        List<Content.ToolCall> pendingCalls = new ArrayList<>();
        int turns = 1 + rnd.nextInt(6);
        for (int t = 0; t < turns; t++) {
            messages.add(new Message(Role.USER, userContent(rnd)));
            if (rnd.nextInt(5) == 0) {
                messages.add(new Message(Role.SYSTEM, List.of(new Content.Text("mid " + word(rnd)))));
            }
            if (rnd.nextInt(4) == 0) {
                continue;
            }
            List<Content> assistant = new ArrayList<>();
            for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                switch (rnd.nextInt(6)) {
                    case 0 -> assistant.add(new Content.Reasoning(rnd.nextBoolean() ? "thinking " + word(rnd) : "",
                            rnd.nextBoolean() ? "sig" + rnd.nextInt(1000) : null,
                            rnd.nextBoolean() ? "gAAAA" + rnd.nextInt(1000) : null, rnd.nextBoolean()));
                    case 1 -> assistant.add(new Content.Refusal("cannot " + word(rnd)));
                    case 2, 3 -> {
                        boolean custom = rnd.nextInt(3) == 0;
                        Content.ToolCall call = new Content.ToolCall("call_" + rnd.nextInt(1_000_000),
                                custom ? "custom_x" : "fn_x",
                                custom ? (rnd.nextBoolean() ? "" : "*** patch " + word(rnd)) : "{\"q\":\"" + word(rnd) + "\"}",
                                custom);
                        assistant.add(call);
                        pendingCalls.add(call);
                    }
                    default -> assistant.add(new Content.Text("answer " + word(rnd)));
                }
            }
            messages.add(new Message(Role.ASSISTANT, assistant));
            if (!pendingCalls.isEmpty()) {
                List<Content> results = new ArrayList<>();
                for (Content.ToolCall call : pendingCalls) {
                    List<Content> out = switch (rnd.nextInt(4)) {
                        case 0 -> List.of();
                        case 1 -> List.of(new Content.Text("r1 " + word(rnd)), new Content.Text("r2"));
                        case 2 -> List.of(new Content.Text("see"), new Content.Image(null, null, "https://img/" + word(rnd), null, "low"));
                        default -> List.of(new Content.Text("result " + word(rnd)));
                    };
                    results.add(new Content.ToolResult(call.id(), call.name(), out, rnd.nextInt(5) == 0));
                }
                pendingCalls.clear();
                // Sometimes one TOOL message per result, as Chat sends them.
                if (rnd.nextBoolean()) {
                    messages.add(new Message(Role.TOOL, results));
                } else {
                    results.forEach(r -> messages.add(new Message(Role.TOOL, List.of(r))));
                }
            }
        }
        ToolChoice choice = switch (rnd.nextInt(6)) {
            case 0 -> ToolChoice.AUTO;
            case 1 -> ToolChoice.REQUIRED;
            case 2 -> ToolChoice.NONE;
            case 3 -> tools.isEmpty() ? null : ToolChoice.named(tools.get(rnd.nextInt(tools.size())).name());
            default -> null;
        };
        Generation gen = rnd.nextInt(3) == 0 ? Generation.NONE : new Generation(
                rnd.nextBoolean() ? (rnd.nextInt(8) == 0 ? 1 : 1 + rnd.nextInt(8000)) : null, rnd.nextBoolean() ? rnd.nextInt(20) / 10.0 : null,
                rnd.nextBoolean() ? rnd.nextInt(11) / 10.0 : null, rnd.nextInt(5) == 0 ? 40 : null,
                rnd.nextInt(5) == 0 ? List.of("STOP") : null, rnd.nextInt(5) == 0 ? 7L : null,
                rnd.nextInt(5) == 0 ? 0.5 : null, rnd.nextInt(5) == 0 ? 0.25 : null, rnd.nextInt(5) == 0 ? 2 : null);
        ResponseFormat format = switch (rnd.nextInt(5)) {
            case 0 -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            case 1 -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
            case 2 -> new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, rnd.nextBoolean() ? "out" : null,
                    rnd.nextBoolean() ? "the output" : null, rnd.nextInt(4) == 0 ? null : schema(rnd),
                    pick(rnd, null, true, false));
            default -> null;
        };
        Reasoning reasoning = rnd.nextInt(3) == 0 ? null : new Reasoning(
                pick(rnd, null, Reasoning.Mode.DISABLED, Reasoning.Mode.ENABLED, Reasoning.Mode.ADAPTIVE),
                pick(rnd, null, "none", "minimal", "low", "medium", "high", "xhigh"),
                rnd.nextBoolean() ? 1024 * (1 + rnd.nextInt(8)) : null, pick(rnd, null, true, false),
                pick(rnd, null, "low", "medium", "high"));
        return new IrRequest(pick(rnd, null, "gpt-5", "o4-mini"), system, messages, tools, choice,
                pick(rnd, null, true, false), gen, format, reasoning, rnd.nextBoolean(),
                rnd.nextBoolean() ? "user-" + rnd.nextInt(100) : null);
    }

    private static List<Content> userContent(Random rnd) {
        List<Content> content = new ArrayList<>();
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            content.add(switch (rnd.nextInt(9)) {
                case 0 -> new Content.Image(pick(rnd, null, "image/jpeg", "image/png"), "iVBOR" + rnd.nextInt(99), null, null,
                        pick(rnd, null, "low", "high", "auto"));
                case 1 -> new Content.Image(null, null, "https://example.com/" + word(rnd) + ".png", null, pick(rnd, null, "low"));
                case 2 -> new Content.Image(null, null, null, "file-" + rnd.nextInt(1000), "high");
                case 3 -> new Content.Document(pick(rnd, null, "application/pdf"), "JVBER" + rnd.nextInt(99), null, null,
                        pick(rnd, null, "a.pdf"), null);
                case 4 -> new Content.Document(null, null, pick(rnd, "https://example.com/doc.pdf"), null, null, null);
                case 5 -> new Content.Document(null, null, null, "file-doc" + rnd.nextInt(9), pick(rnd, null, "d.txt"), null);
                case 6 -> new Content.Document(null, null, null, null, pick(rnd, null, "notes"), "plain " + word(rnd));
                case 7 -> new Content.Audio(pick(rnd, "wav", "mp3"), "UklGR" + rnd.nextInt(99));
                default -> new Content.Text("hello " + word(rnd));
            });
        }
        return content;
    }

    /**
     * What a Responses upstream request cannot carry: isError on tool results, foreign reasoning signatures (an
     * upstream would reject them; clients get them through {@link ReasoningEnvelope} instead), reasoning blocks with
     * nothing left, plain-text documents (sent as text), thinking modes and budgets (only an effort), summaries for
     * effort none, sampling parameters other than max tokens, temperature and top_p, max tokens below the API's
     * minimum of 16. The API defaults that are
     * written out come back: strict false, an empty-object schema, image detail auto and media type png, schema name
     * "response". Consecutive assistant-side or tool messages are one conversation step on the wire.
     */
    private static IrRequest normalise(IrRequest ir) {
        List<Message> messages = new ArrayList<>();
        for (Message m : ir.messages()) {
            List<Content> content = new ArrayList<>();
            for (Content c : m.content()) {
                Content n = normaliseContent(c);
                if (n != null) {
                    content.add(n);
                }
            }
            if (content.isEmpty()) {
                continue;
            }
            Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            if (last != null && last.role() == m.role() && (m.role() == Role.ASSISTANT || m.role() == Role.TOOL)) {
                List<Content> merged = new ArrayList<>(last.content());
                merged.addAll(content);
                messages.set(messages.size() - 1, new Message(m.role(), merged));
            } else {
                messages.add(new Message(m.role(), content));
            }
        }
        List<Tool> tools = ir.tools().stream().map(t -> t.kind() != Tool.Kind.FUNCTION ? t
                : new Tool(t.name(), t.description(), t.parameters() != null ? t.parameters()
                        : (ObjectNode) Fixtures.parse("{\"type\":\"object\",\"properties\":{}}"),
                        Boolean.TRUE.equals(t.strict()), t.kind())).toList();
        Generation g = ir.generation();
        Integer max = g.maxTokens() == null ? null : Math.max(g.maxTokens(), ResponsesRequestEncoder.MIN_OUTPUT_TOKENS);
        Generation gen = new Generation(max, g.temperature(), g.topP(), null, null, null, null, null, null);
        ResponseFormat f = ir.responseFormat();
        if (f != null && f.type() == ResponseFormat.Type.JSON_SCHEMA) {
            f = new ResponseFormat(f.type(), f.name() == null ? "response" : f.name(), f.description(),
                    f.schema() != null ? f.schema() : (ObjectNode) Fixtures.parse("{\"type\":\"object\"}"), f.strict());
        }
        Reasoning reasoning = null;
        Reasoning r = ir.reasoning();
        if (r != null) {
            String effort = r.effort() != null ? r.effort()
                    : r.mode() == null ? null : r.mode() == Reasoning.Mode.DISABLED ? "none" : "medium";
            Boolean summary = Boolean.TRUE.equals(r.includeThoughts()) && !"none".equals(effort) ? Boolean.TRUE : null;
            if (effort != null || summary != null || r.verbosity() != null) {
                reasoning = new Reasoning(null, effort, null, summary, r.verbosity());
            }
        }
        return new IrRequest(ir.model(), ir.system(), messages, tools, ir.toolChoice(), ir.parallelToolCalls(), gen, f,
                reasoning, ir.stream(), ir.user());
    }

    private static Content normaliseContent(Content c) {
        return switch (c) {
            case Content.ToolResult tr -> new Content.ToolResult(tr.callId(), tr.name(),
                    tr.content().stream().map(ResponsesRoundTripTest::normaliseContent).toList(), false);
            case Content.Reasoning r -> {
                boolean text = !r.text().isEmpty();
                yield !text && r.encrypted() == null ? null : new Content.Reasoning(r.text(), null, r.encrypted(), text && r.summary());
            }
            case Content.Image img -> new Content.Image(img.data() != null && img.mediaType() == null ? "image/png" : img.mediaType(),
                    img.data(), img.url(), img.fileId(), img.detail() == null ? "auto" : img.detail());
            case Content.Document d when d.data() == null && d.url() == null && d.fileId() == null -> new Content.Text(d.text());
            default -> c;
        };
    }

    // ================================================================== responses

    @Test
    void responses() throws TransformException {
        Random rnd = new Random(7L);
        for (int i = 0; i < CASES; i++) {
            IrResponse ir = randomResponse(rnd);
            ObjectNode wire = codec.encodeResponse(ir, ctx());
            IrResponse back = codec.decodeResponse(Fixtures.parse(new String(Json.bytes(wire), StandardCharsets.UTF_8)), ctx());
            assertEquals(normalise(ir), back, "case " + i + ": " + wire);
        }
    }

    private static IrResponse randomResponse(Random rnd) {
        List<Content> content = new ArrayList<>();
        for (int n = rnd.nextInt(5); n > 0; n--) {
            content.add(switch (rnd.nextInt(6)) {
                case 0 -> new Content.Reasoning(rnd.nextBoolean() ? "why " + word(rnd) : "",
                        rnd.nextBoolean() ? "EqQB" + rnd.nextInt(1000) + "+/=" : null,
                        rnd.nextBoolean() ? "gAAAA" + rnd.nextInt(1000) : null, rnd.nextBoolean());
                case 1 -> new Content.Refusal("no " + word(rnd));
                case 2 -> new Content.ToolCall(rnd.nextInt(5) == 0 ? null : "call_" + rnd.nextInt(1000), "f" + rnd.nextInt(3),
                        pick(rnd, "", "{\"a\":1}", "not json"), rnd.nextInt(3) == 0);
                case 3 -> new Content.Text(rnd.nextInt(6) == 0 ? "" : "text " + word(rnd));
                case 4 -> new Content.Image("image/png", "iVBOR", null, null, null);
                default -> new Content.Text("more " + word(rnd));
            });
        }
        Usage usage = rnd.nextInt(4) == 0 ? Usage.EMPTY : new Usage(rnd.nextBoolean() ? (long) rnd.nextInt(5000) : null,
                (long) rnd.nextInt(900), rnd.nextBoolean() ? (long) rnd.nextInt(100) : null,
                rnd.nextBoolean() ? (long) rnd.nextInt(50) : null, rnd.nextBoolean() ? (long) rnd.nextInt(50) : null,
                rnd.nextBoolean() ? (long) rnd.nextInt(300) : null);
        return new IrResponse(rnd.nextInt(5) == 0 ? null : "resp_" + rnd.nextInt(10_000), pick(rnd, null, "gpt-5", "claude"),
                content, pick(rnd, null, FinishReason.STOP, FinishReason.LENGTH, FinishReason.TOOL_CALLS,
                FinishReason.CONTENT_FILTER, FinishReason.ERROR), usage, rnd.nextBoolean() ? 1_700_000_000L : 0);
    }

    /**
     * A response carries every reasoning field (the signature inside {@code encrypted_content}), but not: empty
     * text, images, a missing id/model/creation time (defaults are written), a tool call without id or arguments
     * (defaults), usage that was not reported (zeros), and finish reasons the status cannot tell apart (tool calls
     * are seen in the output; a missing reason is completed).
     */
    private static IrResponse normalise(IrResponse r) {
        long created = r.createdEpochSeconds() > 0 ? r.createdEpochSeconds() : Fixtures.NOW;
        List<Content> content = new ArrayList<>();
        int outputIndex = 0;
        boolean inMessage = false;
        boolean toolCall = false;
        for (Content c : r.content()) {
            switch (c) {
                case Content.Text t when t.text().isEmpty() -> { }
                case Content.Text t -> {
                    outputIndex += inMessage ? 0 : 1;
                    inMessage = true;
                    content.add(t);
                }
                case Content.Refusal ref -> {
                    outputIndex += inMessage ? 0 : 1;
                    inMessage = true;
                    content.add(ref);
                }
                case Content.Reasoning rs -> {
                    inMessage = false;
                    boolean text = !rs.text().isEmpty();
                    if (text || rs.signature() != null || rs.encrypted() != null) {
                        outputIndex++;
                        content.add(new Content.Reasoning(rs.text(), rs.signature(), rs.encrypted(), text && rs.summary()));
                    }
                }
                case Content.ToolCall tc -> {
                    inMessage = false;
                    toolCall = true;
                    String args = tc.arguments().isEmpty() ? (tc.custom() ? "" : "{}") : tc.arguments();
                    content.add(new Content.ToolCall(tc.id() != null ? tc.id() : "call_" + outputIndex, tc.name(), args,
                            tc.custom()));
                    outputIndex++;
                }
                default -> { }
            }
        }
        FinishReason finish = r.finish();
        if (finish != FinishReason.ERROR) {
            if (toolCall) {
                finish = FinishReason.TOOL_CALLS;
            } else if (finish == null || finish == FinishReason.TOOL_CALLS) {
                finish = FinishReason.STOP;
            }
        }
        return new IrResponse(r.id() != null ? r.id() : "resp_" + created, r.model() != null ? r.model() : "unknown",
                content, finish, normalise(r.usage()), created);
    }

    private static Usage normalise(Usage u) {
        long longWrites = Usage.nz(u.cacheCreation1hTokens());
        return new Usage(Usage.nz(u.inputTokens()), Usage.nz(u.outputTokens()), Usage.nz(u.cacheReadTokens()),
                Usage.nz(u.cacheCreation5mTokens()), longWrites > 0 ? longWrites : null, Usage.nz(u.reasoningTokens()));
    }

    // ================================================================== streams

    private enum Ending { COMPLETE, ERROR, CUT }

    @Test
    void streams() throws TransformException {
        Random rnd = new Random(99L);
        for (int i = 0; i < CASES; i++) {
            List<StreamEvent> events = new ArrayList<>();
            List<StreamEvent> expected = new ArrayList<>();
            generateStream(rnd, events, expected);
            List<SseFrame> frames = reparse(encodeStream(codec.newStreamEncoder(ctx()), events));
            List<StreamEvent> back = Fixtures.decodeStream(codec.newStreamDecoder(ctx()), frames);
            assertEquals(expected, back, "case " + i + ": " + events);
        }
    }

    /**
     * Builds an IR stream and what it decodes back to. Not carried: Start usage (usage travels on the terminal
     * event, as one merged update), blocks that said nothing, the ordering of usage updates, and why a stream
     * failed (the client sees the gateway's error frame; an upstream ERROR finish becomes a failed response).
     */
    private static void generateStream(Random rnd, List<StreamEvent> events, List<StreamEvent> expected) {
        String id = rnd.nextInt(5) == 0 ? null : "resp_" + rnd.nextInt(100_000);
        String model = pick(rnd, null, "gpt-5", "claude-opus");
        Usage startUsage = rnd.nextBoolean() ? Usage.EMPTY : new Usage((long) rnd.nextInt(100), null, null, null, null, null);
        events.add(new StreamEvent.Start(id, model, startUsage));
        expected.add(new StreamEvent.Start(id != null ? id : "resp_" + Fixtures.NOW, model != null ? model : "unknown",
                Usage.EMPTY));
        Usage usage = startUsage;
        Ending ending = rnd.nextInt(10) < 7 ? Ending.COMPLETE : rnd.nextBoolean() ? Ending.ERROR : Ending.CUT;
        int blocks = rnd.nextInt(5);
        int interruptAt = ending == Ending.COMPLETE ? -1 : rnd.nextInt(blocks + 1);
        int next = 0;
        boolean toolCall = false;
        for (int b = 0; b < blocks; b++) {
            BlockType type = BlockType.values()[rnd.nextInt(BlockType.values().length)];
            String callId = "call_" + rnd.nextInt(1000);
            String name = "tool_" + rnd.nextInt(5);
            boolean tool = type == BlockType.TOOL_CALL;
            events.add(new StreamEvent.BlockStart(b, type, tool ? callId : null, tool ? name : null));
            List<StreamEvent> visible = new ArrayList<>();
            int deltas = rnd.nextInt(4);
            boolean interrupted = b == interruptAt;
            int stopAfter = interrupted ? rnd.nextInt(deltas + 1) : deltas;
            String signature = null;
            String encrypted = null;
            for (int d = 0; d < stopAfter; d++) {
                String text = word(rnd) + " ";
                switch (type) {
                    case TEXT, REFUSAL -> {
                        events.add(new StreamEvent.TextDelta(b, text));
                        visible.add(new StreamEvent.TextDelta(next, text));
                    }
                    case REASONING -> {
                        events.add(new StreamEvent.ReasoningDelta(b, text));
                        visible.add(new StreamEvent.ReasoningDelta(next, text));
                    }
                    case TOOL_CALL -> {
                        events.add(new StreamEvent.ToolArgumentsDelta(b, text));
                        visible.add(new StreamEvent.ToolArgumentsDelta(next, text));
                    }
                }
            }
            if (interrupted) {
                if (!visible.isEmpty() || tool) {
                    expected.add(new StreamEvent.BlockStart(next, type, tool ? callId : null, tool ? name : null));
                    expected.addAll(visible);
                }
                break;
            }
            if (type == BlockType.REASONING && rnd.nextBoolean()) {
                signature = rnd.nextBoolean() ? "EqQB" + rnd.nextInt(100) : null;
                encrypted = signature == null || rnd.nextBoolean() ? "gAAAA" + rnd.nextInt(100) : null;
                events.add(new StreamEvent.ReasoningSignature(b, signature, encrypted));
            }
            events.add(new StreamEvent.BlockStop(b));
            if (rnd.nextInt(4) == 0) {
                Usage u = new Usage(null, (long) rnd.nextInt(50), null, null, null, null);
                events.add(new StreamEvent.UsageUpdate(u));
                usage = usage.merge(u);
            }
            boolean said = !visible.isEmpty() || tool || signature != null || encrypted != null;
            if (said) {
                toolCall |= tool;
                expected.add(new StreamEvent.BlockStart(next, type, tool ? callId : null, tool ? name : null));
                expected.addAll(visible);
                if (tool && visible.isEmpty()) {
                    expected.add(new StreamEvent.ToolArgumentsDelta(next, "{}"));
                }
                if (signature != null || encrypted != null) {
                    expected.add(new StreamEvent.ReasoningSignature(next, signature, encrypted));
                }
                expected.add(new StreamEvent.BlockStop(next));
                next++;
            }
        }
        switch (ending) {
            case ERROR -> {
                events.add(new StreamEvent.Error("overloaded_error", "Overloaded"));
                expected.add(new StreamEvent.Error("server_error", "upstream request failed"));
            }
            case CUT -> expected.add(new StreamEvent.Error("server_error", "upstream request failed"));
            case COMPLETE -> {
                FinishReason reason = pick(rnd, FinishReason.STOP, FinishReason.LENGTH, FinishReason.TOOL_CALLS,
                        FinishReason.CONTENT_FILTER, FinishReason.ERROR);
                events.add(new StreamEvent.Finish(reason));
                if (rnd.nextBoolean()) {
                    Usage u = new Usage(null, (long) rnd.nextInt(500), (long) rnd.nextInt(20), null, null,
                            (long) rnd.nextInt(30));
                    events.add(new StreamEvent.UsageUpdate(u)); // after Finish, as Chat sends it
                    usage = usage.merge(u);
                }
                events.add(new StreamEvent.End());
                if (reason == FinishReason.ERROR) {
                    expected.add(new StreamEvent.Error("server_error", "the upstream model failed to generate a response"));
                } else {
                    expected.add(new StreamEvent.UsageUpdate(normalise(usage)));
                    FinishReason back = toolCall ? FinishReason.TOOL_CALLS
                            : reason == FinishReason.TOOL_CALLS ? FinishReason.STOP : reason;
                    expected.add(new StreamEvent.Finish(back));
                    expected.add(new StreamEvent.End());
                }
            }
        }
    }

    // ================================================================== helpers

    private static final String[] WORDS = {"alpha", "beta", "ünïcødé", "emoji 🎉", "quote \"x\"", "line\nbreak", "tab\t"};

    private static String word(Random rnd) {
        return WORDS[rnd.nextInt(WORDS.length)] + rnd.nextInt(100);
    }

    @SafeVarargs
    private static <T> T pick(Random rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private static ObjectNode schema(Random rnd) {
        return (ObjectNode) Fixtures.parse("{\"type\":\"object\",\"properties\":{\"p" + rnd.nextInt(10)
                + "\":{\"type\":\"number\",\"minimum\":0.1}},\"additionalProperties\":false}");
    }
}
