package io.gproxy.tests.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.gproxy.functions.GroupFunction;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of the memory row (run with {@code -Xmx128m} on the Lambda zip's classpath plus this one class):
 * sends one long stream through the GenerateContent function's handler, exactly as the streaming runtime does
 * (the body written to a sink event by event; the sink here only counts), and reports the peak heap: the sum of
 * the heap pools' peak usage (garbage included) and the largest heap left after any collection (GC notifications),
 * which is what the stream keeps alive. Args: handler class, path, body file, API key.
 */
public final class MemoryChild {
    private MemoryChild() {}

    public static void main(String[] args) throws Exception {
        String handlerClass = args[0];
        String path = args[1];
        byte[] body = Files.readAllBytes(Path.of(args[2]));
        String key = args[3];
        AtomicLong maxAfterGc = new AtomicLong();
        AtomicLong collections = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (isHeap(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                maxAfterGc.accumulateAndGet(used, Math::max);
                collections.incrementAndGet();
            }, null, null);
        }
        RequestHandler handler = ((GroupFunction) Class.forName(handlerClass).getDeclaredConstructor().newInstance()).requestHandler();
        System.gc();
        long baseline = heapUsed();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

        long[] counts = new long[2]; // bytes, flushes
        String outcome = "ok";
        int status = -1;
        long start = System.nanoTime();
        try {
            HttpResponse response = handler.handle(HttpRequest.of("POST", path,
                    Headers.of("authorization", "Bearer " + key, "content-type", "application/json"), body));
            status = response.status();
            if (response.isStreaming()) {
                response.stream().writeTo(new BodySink() {
                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        counts[0] += length;
                    }

                    @Override
                    public void flush() {
                        counts[1]++;
                    }
                });
            } else {
                counts[0] = response.body().length;
                outcome = "not a stream: " + new String(response.body(), StandardCharsets.UTF_8);
            }
        } catch (OutOfMemoryError e) {
            outcome = "OutOfMemoryError";
        } catch (Exception e) {
            outcome = e.toString();
        }
        long took = System.nanoTime() - start;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                MemoryUsage u = pool.getPeakUsage();
                peak += u == null ? 0 : u.getUsed();
            }
        }
        Thread.sleep(200); // GC notifications arrive on their own thread
        System.out.println("BENCH-RESULT {\"outcome\":\"" + outcome.replace("\\", "\\\\").replace("\"", "'")
                .replace("\n", " ") + "\",\"status\":" + status + ",\"bytes\":" + counts[0] + ",\"flushes\":" + counts[1]
                + ",\"peakHeap\":" + peak + ",\"maxAfterGc\":" + maxAfterGc.get() + ",\"collections\":" + collections.get()
                + ",\"baselineHeap\":" + baseline + ",\"maxHeap\":" + Runtime.getRuntime().maxMemory()
                + ",\"nanos\":" + took + "}");
        System.out.flush();
        System.exit(0);
    }

    private static boolean isHeap(String poolName) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals(poolName)) {
                return pool.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
