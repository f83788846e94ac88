package io.fedlink.autoconfigure;

import io.grpc.InternalFeatureFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC starter's address list {@code static://relay-1:9090,relay-2:9090} with grpc-java 1.83: grpc-java now parses
 * targets as RFC 3986 URIs by default, which refuses the comma in the authority ("Could not find a NameResolverProvider
 * for static://..."), so the starter's own {@code static} resolver never sees the list. grpc-java's switch back to
 * {@code java.net.URI} parsing, {@code GRPC_ENABLE_RFC3986_URIS=false} (environment or system property), lets it
 * through; fedlink sets it for the JVM when the fedlink channel's address is such a list and the switch is not set.
 * A DNS name with several records ({@code dns:///relays:9090}) needs nothing.
 */
final class StaticAddressList {

    private static final Logger log = LoggerFactory.getLogger(StaticAddressList.class);
    static final String FLAG = "GRPC_ENABLE_RFC3986_URIS";

    private StaticAddressList() {
    }

    static void allow(String address) {
        if (address == null || !address.startsWith("static://") || !address.contains(",")) {
            return;
        }
        if (System.getenv(FLAG) != null || System.getProperty(FLAG) != null) {
            return; // the user decided
        }
        if (InternalFeatureFlags.getRfc3986UrisEnabled()) {
            InternalFeatureFlags.setRfc3986UrisEnabled(false);
            log.info("grpc.client.fedlink.address lists several addresses ({}): grpc-java's RFC 3986 target parsing, which"
                    + " refuses such a list, is switched off for this JVM ({}=false)", address, FLAG);
        }
    }
}
