package io.gproxy.functions;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * The SnapStart hooks of this process, in registration order, held strongly (the runtime's CRaC context only keeps
 * weak references). Buffered functions run under the managed runtime, which drives org.crac: one delegate
 * resource registered there runs these hooks. The streaming runtime drives them itself (spec/aws.md D2):
 * before-checkpoint hooks in reverse order, after-restore hooks in registration order.
 */
public final class SnapStartHooks {
    private static final List<Resource> RESOURCES = new ArrayList<>();
    private static final Resource DELEGATE = new Resource() {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
            runBeforeCheckpoint();
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws Exception {
            runAfterRestore();
        }
    };

    static {
        Core.getGlobalContext().register(DELEGATE); // a no-op on JVMs without CRaC
    }

    private SnapStartHooks() {}

    public static synchronized void register(Resource resource) {
        RESOURCES.add(resource);
    }

    public static void runBeforeCheckpoint() throws Exception {
        List<Resource> snapshot;
        synchronized (SnapStartHooks.class) {
            snapshot = new ArrayList<>(RESOURCES);
        }
        for (int i = snapshot.size() - 1; i >= 0; i--) {
            snapshot.get(i).beforeCheckpoint(null);
        }
        System.gc(); // as the managed runtime does: a smaller heap makes a smaller snapshot
    }

    public static void runAfterRestore() throws Exception {
        List<Resource> snapshot;
        synchronized (SnapStartHooks.class) {
            snapshot = new ArrayList<>(RESOURCES);
        }
        for (Resource r : snapshot) {
            r.afterRestore(null);
        }
    }

    /** Forgets every registered hook. For tests, which register hooks of their own. */
    public static synchronized void clear() {
        RESOURCES.clear();
    }
}
