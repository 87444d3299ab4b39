package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.Generation;
import io.gproxy.transform.ir.IrRequest;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Message;
import io.gproxy.transform.ir.Reasoning;
import io.gproxy.transform.ir.ResponseFormat;
import io.gproxy.transform.ir.Role;
import io.gproxy.transform.ir.Tool;
import io.gproxy.transform.ir.ToolChoice;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.NOW;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code decode(encode(ir))} keeps everything Chat can express. What Chat cannot carry is normalised away in
 * {@link #chatView(IrRequest)} / {@link #chatView(IrResponse)} before comparing:
 * <ul>
 *   <li>system vs developer, and where the leading system text came from: leading SYSTEM messages join the system
 *       prompt;</li>
 *   <li>assistant block order: Chat has separate fields, so it is reasoning, text, refusal, tool calls; text blocks
 *       are concatenated (one {@code content} string), refusals likewise;</li>
 *   <li>reasoning: empty text is absent, and the summary flag only exists on text;</li>
 *   <li>tool results: no error flag, text only, and adjacent TOOL messages are one turn;</li>
 *   <li>images by file id travel as {@code file} parts (documents); plain-text documents become text; URL
 *       documents are dropped;</li>
 *   <li>custom tools have no strictness or schema; the built-in web search is {@code web_search_options}, one,
 *       listed last; tool_choice and parallel_tool_calls need a callable tool;</li>
 *   <li>no top_k; a json_schema needs a name ({@code response}); reasoning is an effort plus verbosity (modes map
 *       to none/medium, budgets and includeThoughts are lost);</li>
 *   <li>responses: a missing/ERROR finish becomes stop (tool_calls when the answer has calls), usage counters are
 *       always present, cache writes have no field, created 0 becomes the clock.</li>
 * </ul>
 */
class ChatRoundTripPropertyTest {
    private static final String[] WORDS = {"alpha", "beta", "gamma", "δέλτα", "emoji 🙂", "line\nbreak", "quote \"q\"", " "};
    private static final String[] EFFORTS = {"none", "minimal", "low", "medium", "high", "xhigh"};

    @Test
    void requestsRoundTrip() throws Exception {
        Random r = new Random(0xC0DEC);
        for (int i = 0; i < 300; i++) {
            IrRequest ir = genRequest(r);
            ObjectNode wire = CODEC.encodeRequest(ir, ctx());
            JsonNode reparsed = Json.parse(Json.bytes(wire));
            IrRequest back = CODEC.decodeRequest(reparsed, ctx());
            int n = i;
            assertEquals(chatView(ir), back, () -> "case " + n + "\n" + ir + "\n" + wire.toPrettyString());
        }
    }

    @Test
    void responsesRoundTrip() throws Exception {
        Random r = new Random(0xBEEF);
        for (int i = 0; i < 300; i++) {
            IrResponse ir = genResponse(r, i);
            ObjectNode wire = CODEC.encodeResponse(ir, ctx());
            IrResponse back = CODEC.decodeResponse(Json.parse(Json.bytes(wire)), ctx());
            int n = i;
            assertEquals(chatView(ir), back, () -> "case " + n + "\n" + ir + "\n" + wire.toPrettyString());
        }
    }

    // ---------------------------------------------------------------- generators

    private static String word(Random r) {
        return WORDS[r.nextInt(WORDS.length)] + r.nextInt(100);
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static List<Content> texts(Random r, int n) {
        List<Content> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Content.Text(word(r)));
        }
        return out;
    }

    private static IrRequest genRequest(Random r) {
        int[] callSeq = {0};
        List<Tool> tools = genTools(r);
        List<Message> messages = new ArrayList<>();
        int turns = 1 + r.nextInt(7);
        for (int t = 0; t < turns; t++) {
            int kind = r.nextInt(10);
            if (kind == 0) {
                messages.add(new Message(Role.SYSTEM, texts(r, 1 + r.nextInt(2))));
            } else if (kind <= 4) {
                messages.add(new Message(Role.USER, genUser(r)));
            } else {
                List<Content> assistant = genAssistant(r, callSeq);
                messages.add(new Message(Role.ASSISTANT, assistant));
                List<Content> results = new ArrayList<>();
                for (Content c : assistant) {
                    if (c instanceof Content.ToolCall call && r.nextInt(5) > 0) {
                        List<Content> content = new ArrayList<>(texts(r, r.nextInt(3)));
                        if (r.nextInt(6) == 0) {
                            content.add(new Content.Image("image/png", "iVBOR" + r.nextInt(9), null, null, null));
                        }
                        results.add(new Content.ToolResult(call.id(), call.name(), content, r.nextBoolean()));
                    }
                }
                if (!results.isEmpty() && r.nextInt(3) == 0 && results.size() > 1) {
                    messages.add(new Message(Role.TOOL, results.subList(0, 1)));
                    messages.add(new Message(Role.TOOL, results.subList(1, results.size())));
                } else if (!results.isEmpty()) {
                    messages.add(new Message(Role.TOOL, results));
                }
            }
        }
        ToolChoice choice = switch (r.nextInt(6)) {
            case 0 -> ToolChoice.AUTO;
            case 1 -> ToolChoice.REQUIRED;
            case 2 -> ToolChoice.NONE;
            case 3 -> tools.isEmpty() ? null : ToolChoice.named(tools.get(r.nextInt(tools.size())).name());
            default -> null;
        };
        Boolean parallel = r.nextInt(3) == 0 ? null : r.nextBoolean();
        return new IrRequest("model-" + r.nextInt(5), r.nextInt(3) == 0 ? List.of() : texts(r, 1 + r.nextInt(2)),
                messages, tools, choice, parallel, genGeneration(r), genResponseFormat(r), genReasoning(r),
                r.nextBoolean(), r.nextBoolean() ? "user-" + r.nextInt(99) : null);
    }

    private static List<Content> genUser(Random r) {
        List<Content> out = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(switch (r.nextInt(9)) {
                case 0, 1 -> new Content.Text(word(r));
                case 2 -> new Content.Image(pick(r, new String[]{"image/png", "image/jpeg"}), "QUJD" + r.nextInt(999), null,
                        null, pick(r, new String[]{null, "low", "high", "auto"}));
                case 3 -> new Content.Image(null, null, "https://example.com/i" + r.nextInt(99) + ".png", null,
                        pick(r, new String[]{null, "low"}));
                case 4 -> new Content.Audio(pick(r, new String[]{"wav", "mp3"}), "UklG" + r.nextInt(99));
                case 5 -> new Content.Document("application/pdf", "JVBER" + r.nextInt(99), null, null,
                        r.nextBoolean() ? "doc.pdf" : null, null);
                case 6 -> r.nextBoolean() ? new Content.Document(null, null, null, "file-" + r.nextInt(99),
                        r.nextBoolean() ? "f.pdf" : null, null) : new Content.Image(null, null, null, "file-i" + r.nextInt(9), null);
                case 7 -> new Content.Document("text/plain", null, null, null, null, word(r));
                default -> new Content.Document(null, null, "https://example.com/d.pdf", null, null, null);
            });
        }
        return out;
    }

    private static List<Content> genAssistant(Random r, int[] callSeq) {
        List<Content> out = new ArrayList<>();
        int reasoning = r.nextInt(3);
        for (int i = 0; i < reasoning; i++) {
            out.add(switch (r.nextInt(7)) {
                case 0 -> new Content.Reasoning(word(r), "sig" + r.nextInt(999), null, false);
                case 1 -> new Content.Reasoning(word(r), null, null, false);
                case 2 -> new Content.Reasoning(null, null, "enc" + r.nextInt(999), false);
                case 3 -> new Content.Reasoning(word(r), null, "gAAAA" + r.nextInt(999), true);
                case 4 -> new Content.Reasoning(null, "sig" + r.nextInt(999), null, false);
                case 5 -> new Content.Reasoning("", "sig" + r.nextInt(999), null, r.nextBoolean());
                default -> new Content.Reasoning(word(r), null, null, true);
            });
        }
        List<Content> rest = new ArrayList<>(texts(r, r.nextInt(3)));
        if (r.nextInt(5) == 0) {
            rest.add(new Content.Refusal(word(r)));
        }
        int calls = r.nextInt(4);
        for (int i = 0; i < calls; i++) {
            boolean custom = r.nextInt(4) == 0;
            String args = custom ? "raw input " + r.nextInt(9) : pick(r, new String[]{"{}", "{\"a\":1}", "{\"q\":\"x y\"}", "[1,2]", ""});
            rest.add(new Content.ToolCall("call_" + callSeq[0]++, custom ? "custom_tool" : "fn_" + r.nextInt(3), args, custom));
        }
        Collections.shuffle(rest, r); // other protocols interleave text and calls; Chat cannot
        out.addAll(rest);
        return out;
    }

    private static List<Tool> genTools(Random r) {
        List<Tool> tools = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            tools.add(switch (r.nextInt(5)) {
                case 0, 1 -> new Tool("fn_" + i, r.nextBoolean() ? "does " + word(r) : null,
                        r.nextInt(4) == 0 ? null : obj("{\"type\":\"object\",\"properties\":{\"p" + i + "\":{\"type\":\"string\"}},"
                                + "\"required\":[\"p" + i + "\"]}"),
                        pick(r, new Boolean[]{null, true, false}), Tool.Kind.FUNCTION);
                case 2 -> new Tool("custom_" + i, r.nextBoolean() ? "free text" : null, null, r.nextBoolean() ? true : null,
                        Tool.Kind.CUSTOM);
                case 3 -> new Tool("web_search_" + i, r.nextBoolean() ? "search" : null, null, null, Tool.Kind.WEB_SEARCH);
                default -> new Tool("fn_" + i, null, obj("{\"type\":\"object\"}"), null, Tool.Kind.FUNCTION);
            });
        }
        return tools;
    }

    private static Generation genGeneration(Random r) {
        if (r.nextInt(4) == 0) {
            return Generation.NONE;
        }
        return new Generation(
                r.nextBoolean() ? 1 + r.nextInt(32000) : null,
                r.nextBoolean() ? r.nextInt(21) / 10.0 : null,
                r.nextBoolean() ? r.nextInt(11) / 10.0 : null,
                r.nextInt(4) == 0 ? 1 + r.nextInt(100) : null,
                r.nextBoolean() ? (r.nextBoolean() ? List.of("END") : List.of("\n\n", "###")) : null,
                r.nextBoolean() ? (long) r.nextInt(Integer.MAX_VALUE) * 3 : null,
                r.nextBoolean() ? (r.nextInt(41) - 20) / 10.0 : null,
                r.nextBoolean() ? (r.nextInt(41) - 20) / 10.0 : null,
                r.nextBoolean() ? 1 + r.nextInt(3) : null);
    }

    private static ResponseFormat genResponseFormat(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> new ResponseFormat(ResponseFormat.Type.TEXT, null, null, null, null);
            case 1 -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null, null);
            case 2 -> new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, r.nextBoolean() ? "answer" : null,
                    r.nextBoolean() ? "The answer" : null,
                    r.nextInt(4) == 0 ? null : obj("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"),
                    pick(r, new Boolean[]{null, true, false}));
            default -> null;
        };
    }

    private static Reasoning genReasoning(Random r) {
        if (r.nextInt(3) == 0) {
            return null;
        }
        return new Reasoning(pick(r, new Reasoning.Mode[]{null, null, Reasoning.Mode.DISABLED, Reasoning.Mode.ENABLED,
                Reasoning.Mode.ADAPTIVE}),
                r.nextBoolean() ? pick(r, EFFORTS) : null,
                r.nextInt(3) == 0 ? 1024 * (1 + r.nextInt(8)) : null,
                pick(r, new Boolean[]{null, true, false}),
                r.nextBoolean() ? pick(r, new String[]{"low", "medium", "high"}) : null);
    }

    private static IrResponse genResponse(Random r, int i) {
        int[] callSeq = {0};
        List<Content> content = genAssistant(r, callSeq);
        Collections.shuffle(content, r);
        FinishReason finish = pick(r, new FinishReason[]{null, FinishReason.STOP, FinishReason.LENGTH,
                FinishReason.TOOL_CALLS, FinishReason.CONTENT_FILTER, FinishReason.ERROR});
        Usage usage = r.nextInt(5) == 0 ? Usage.EMPTY : new Usage(
                r.nextInt(5) == 0 ? null : (long) r.nextInt(100000),
                r.nextInt(5) == 0 ? null : (long) r.nextInt(10000),
                r.nextBoolean() ? (long) r.nextInt(1000) : null,
                r.nextInt(4) == 0 ? (long) r.nextInt(500) : null,
                r.nextInt(6) == 0 ? (long) r.nextInt(500) : null,
                r.nextBoolean() ? (long) r.nextInt(1000) : null);
        return new IrResponse("chatcmpl-" + i, "model-" + r.nextInt(4), content, finish, usage,
                r.nextBoolean() ? 1_750_000_000L + r.nextInt(1000) : 0);
    }

    // ---------------------------------------------------------------- what Chat can say

    static IrRequest chatView(IrRequest ir) {
        List<Content> system = new ArrayList<>(textsOnly(ir.system()));
        List<Message> messages = new ArrayList<>();
        boolean leading = true;
        for (Message m : ir.messages()) {
            if (m.role() == Role.SYSTEM) {
                List<Content> text = textsOnly(m.content());
                if (leading) {
                    system.addAll(text);
                } else if (!text.isEmpty()) {
                    messages.add(new Message(Role.SYSTEM, text));
                }
                continue;
            }
            leading = false;
            switch (m.role()) {
                case USER -> messages.add(new Message(Role.USER, userView(m.content())));
                case ASSISTANT -> messages.add(new Message(Role.ASSISTANT, assistantView(m.content())));
                case TOOL -> {
                    List<Content> results = new ArrayList<>();
                    for (Content c : m.content()) {
                        Content.ToolResult tr = (Content.ToolResult) c;
                        results.add(new Content.ToolResult(tr.callId(), tr.name(), textsOnly(tr.content()), false));
                    }
                    Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
                    if (last != null && last.role() == Role.TOOL) {
                        List<Content> merged = new ArrayList<>(last.content());
                        merged.addAll(results);
                        messages.set(messages.size() - 1, new Message(Role.TOOL, merged));
                    } else {
                        messages.add(new Message(Role.TOOL, results));
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        List<Tool> tools = new ArrayList<>();
        boolean webSearch = false;
        for (Tool t : ir.tools()) {
            switch (t.kind()) {
                case FUNCTION -> tools.add(t);
                case CUSTOM -> tools.add(new Tool(t.name(), t.description(), null, null, Tool.Kind.CUSTOM));
                case WEB_SEARCH -> webSearch = true;
            }
        }
        boolean callable = !tools.isEmpty();
        if (webSearch) {
            tools.add(new Tool("web_search", null, null, null, Tool.Kind.WEB_SEARCH));
        }
        ToolChoice choice = ir.toolChoice();
        if (!callable) {
            choice = null;
        } else if (choice != null && choice.mode() == ToolChoice.Mode.NAMED) {
            Tool.Kind kind = Tool.Kind.FUNCTION;
            for (Tool t : ir.tools()) {
                if (t.name().equals(choice.name())) {
                    kind = t.kind();
                }
            }
            if (kind == Tool.Kind.WEB_SEARCH) {
                choice = null;
            }
        }
        Generation g = ir.generation();
        Generation gen = new Generation(g.maxTokens(), g.temperature(), g.topP(), null,
                g.stop() == null || g.stop().isEmpty() ? null : g.stop(), g.seed(), g.presencePenalty(),
                g.frequencyPenalty(), g.candidateCount());
        ResponseFormat rf = ir.responseFormat();
        if (rf != null && rf.type() == ResponseFormat.Type.JSON_SCHEMA && rf.name() == null) {
            rf = new ResponseFormat(rf.type(), "response", rf.description(), rf.schema(), rf.strict());
        }
        return new IrRequest(ir.model(), system, messages, tools, choice, callable ? ir.parallelToolCalls() : null, gen,
                rf, reasoningView(ir.reasoning()), ir.stream(), ir.user());
    }

    private static Reasoning reasoningView(Reasoning r) {
        if (r == null) {
            return null;
        }
        String effort = r.effort();
        if (effort == null && r.mode() != null) {
            effort = r.mode() == Reasoning.Mode.DISABLED ? "none" : "medium";
        }
        if (effort == null && Boolean.FALSE.equals(r.includeThoughts())) {
            effort = "none";
        }
        if (effort == null && r.verbosity() == null) {
            return null;
        }
        return new Reasoning("none".equals(effort) ? Reasoning.Mode.DISABLED : null, effort, null, null, r.verbosity());
    }

    private static List<Content> textsOnly(List<Content> content) {
        List<Content> out = new ArrayList<>();
        for (Content c : content) {
            if (c instanceof Content.Text t && !t.text().isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static List<Content> userView(List<Content> content) {
        List<Content> out = new ArrayList<>();
        for (Content c : content) {
            switch (c) {
                case Content.Image img when img.data() == null && img.url() == null ->
                        out.add(new Content.Document(null, null, null, img.fileId(), null, null));
                case Content.Document d when d.data() == null && d.fileId() == null -> {
                    if (d.text() != null && !d.text().isEmpty()) {
                        out.add(new Content.Text(d.text()));
                    }
                }
                default -> out.add(c);
            }
        }
        return out;
    }

    static List<Content> assistantView(List<Content> content) {
        List<Content> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        List<Content> calls = new ArrayList<>();
        for (Content c : content) {
            switch (c) {
                case Content.Reasoning rs -> {
                    String t = rs.text() == null || rs.text().isEmpty() ? null : rs.text();
                    if (t != null || rs.signature() != null || rs.encrypted() != null) {
                        out.add(new Content.Reasoning(t, rs.signature(), rs.encrypted(), t != null && rs.summary()));
                    }
                }
                case Content.Text t -> text.append(t.text());
                case Content.Refusal rf -> refusal.append(rf.text());
                case Content.ToolCall call -> calls.add(call);
                default -> throw new IllegalStateException();
            }
        }
        if (!text.isEmpty()) {
            out.add(new Content.Text(text.toString()));
        }
        if (!refusal.isEmpty()) {
            out.add(new Content.Refusal(refusal.toString()));
        }
        out.addAll(calls);
        return out;
    }

    static IrResponse chatView(IrResponse ir) {
        List<Content> content = assistantView(ir.content());
        boolean hasTool = content.stream().anyMatch(c -> c instanceof Content.ToolCall);
        FinishReason f = ir.finish();
        if (f == null || f == FinishReason.ERROR || f == FinishReason.STOP) {
            f = hasTool ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        Usage u = ir.usage();
        return new IrResponse(ir.id(), ir.model(), content, f,
                new Usage(Usage.nz(u.inputTokens()), Usage.nz(u.outputTokens()), u.cacheReadTokens(), null, null,
                        u.reasoningTokens()),
                ir.createdEpochSeconds() == 0 ? NOW : ir.createdEpochSeconds());
    }

}
