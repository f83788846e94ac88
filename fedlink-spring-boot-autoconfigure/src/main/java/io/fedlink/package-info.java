/** fedlink: federated learning over Flower's grpc-bidi protocol for Spring Boot; root exception type. */
package io.fedlink;
