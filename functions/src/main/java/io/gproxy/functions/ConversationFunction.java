package io.gproxy.functions;

import io.gproxy.http.FunctionGroup;

/** The Conversation function: serves the CONVERSATION group only (DESIGN §3). */
public final class ConversationFunction extends GroupFunction {
    public ConversationFunction() {
        super(FunctionGroup.CONVERSATION);
    }
}
