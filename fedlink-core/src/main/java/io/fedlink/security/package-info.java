/** Opt-in client authentication: a check of call metadata on the coordinator, credentials on the client. */
package io.fedlink.security;
