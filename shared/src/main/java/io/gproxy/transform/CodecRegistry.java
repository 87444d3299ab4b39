package io.gproxy.transform;

import io.gproxy.protocol.OperationKind;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The content codecs by kind. Built once per process. */
public final class CodecRegistry {
    private final Map<OperationKind, ProtocolCodec> codecs;

    private CodecRegistry(Map<OperationKind, ProtocolCodec> codecs) {
        this.codecs = codecs;
    }

    /** Every protocol codec this build has. */
    public static CodecRegistry builtIn() {
        return of(new io.gproxy.transform.chat.ChatCodec(), new io.gproxy.transform.responses.ResponsesCodec(),
                new io.gproxy.transform.claude.ClaudeCodec(), new io.gproxy.transform.gemini.GeminiCodec());
    }

    public static CodecRegistry of(ProtocolCodec... codecs) {
        Map<OperationKind, ProtocolCodec> map = new EnumMap<>(OperationKind.class);
        for (ProtocolCodec c : codecs) {
            if (map.putIfAbsent(c.kind(), c) != null) {
                throw new IllegalStateException("two codecs for " + c.kind().id());
            }
        }
        return new CodecRegistry(map);
    }

    public Optional<ProtocolCodec> find(OperationKind kind) {
        return Optional.ofNullable(codecs.get(kind));
    }
}
