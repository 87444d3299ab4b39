package io.gproxy.admin;

import io.gproxy.http.HttpRequest;

/**
 * The client address for login throttling and the audit log. Forwarding headers are believed only from a peer that
 * sets them itself: behind CloudFront (origin-verified deployments) {@code cloudfront-viewer-address} when the
 * origin request policy passes it, else the rightmost {@code x-forwarded-for} hop that is not the peer (CloudFront
 * appends the viewer's address after whatever the client sent); from a loopback peer (a local reverse proxy)
 * {@code x-real-ip} or the rightmost {@code x-forwarded-for} hop. Anything else could be forged by the client to
 * dodge the per-IP throttle.
 */
final class ClientIp {
    private final boolean behindCloudFront;

    ClientIp(boolean behindCloudFront) {
        this.behindCloudFront = behindCloudFront;
    }

    String of(HttpRequest request) {
        if (behindCloudFront) {
            String viewer = request.headers().firstOrNull("cloudfront-viewer-address");
            if (viewer != null && !viewer.isBlank()) {
                int colon = viewer.lastIndexOf(':'); // "ip:port", IPv6 included
                return colon > 0 ? viewer.substring(0, colon) : viewer;
            }
            String xff = request.headers().firstOrNull("x-forwarded-for");
            if (xff != null) {
                String[] hops = xff.split(",");
                for (int i = hops.length - 1; i >= 0; i--) {
                    String hop = hops[i].trim();
                    if (!hop.isEmpty() && !hop.equals(request.remoteAddress())) {
                        return hop;
                    }
                }
            }
        }
        String peer = request.remoteAddress();
        if (peer != null && isLoopback(peer)) {
            String real = request.headers().firstOrNull("x-real-ip");
            if (real != null && !real.isBlank()) {
                return real.trim();
            }
            String xff = request.headers().firstOrNull("x-forwarded-for");
            if (xff != null && !xff.isBlank()) {
                String[] hops = xff.split(",");
                return hops[hops.length - 1].trim();
            }
        }
        return peer == null ? "unknown" : peer;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }
}
