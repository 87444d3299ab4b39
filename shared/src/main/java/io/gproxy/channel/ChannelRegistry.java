package io.gproxy.channel;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Channels by id. Built once per process; a duplicate id is a startup error. */
public final class ChannelRegistry {
    private final Map<String, Channel> channels;

    private ChannelRegistry(Map<String, Channel> channels) {
        this.channels = Collections.unmodifiableMap(channels);
    }

    /** Every built-in channel (spec/core.md §3.4). */
    public static ChannelRegistry builtIn() {
        return of(new OpenAiChannel(), new ClaudeApiChannel(), new AiStudioChannel(), new VertexExpressChannel(),
                new VertexChannel(), new AzureChannel(), new BedrockChannel(), new OpenRouterChannel(),
                new DeepSeekChannel(), OpenAiCompatibleChannel.groq(), OpenAiCompatibleChannel.nvidia(),
                OpenAiCompatibleChannel.xai(), new CustomChannel(), new ClaudeCodeChannel(), new CodexChannel(),
                new GeminiCliChannel());
    }

    public static ChannelRegistry of(Channel... channels) {
        Map<String, Channel> map = new LinkedHashMap<>();
        for (Channel c : channels) {
            if (map.putIfAbsent(c.id(), c) != null) {
                throw new IllegalStateException("duplicate channel id " + c.id());
            }
        }
        return new ChannelRegistry(map);
    }

    public Optional<Channel> find(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    public Collection<Channel> all() {
        return channels.values();
    }

    /** {@code GET /admin/channels}: every channel's console metadata with its endpoint kinds. */
    public com.fasterxml.jackson.databind.node.ArrayNode describe() {
        com.fasterxml.jackson.databind.node.ArrayNode out =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        channels.values().forEach(c -> out.add(c.metadata().toJson(c.routingDefaults())));
        return out;
    }
}
