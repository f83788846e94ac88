/** fedlink: federated learning over Flower's grpc-bidi protocol; the root exception types. */
package io.fedlink;
