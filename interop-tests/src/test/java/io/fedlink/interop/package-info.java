/**
 * Cross-language tests: fedlink's coordinator and client against Python peers that speak Flower's grpc-bidi
 * protocol as stock Flower 1.x does (src/test/python, run on Debian's /usr/bin/python3).
 */
package io.fedlink.interop;
