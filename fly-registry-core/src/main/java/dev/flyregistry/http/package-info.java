/**
 * HTTP settings shared by every client of the SDK: timeouts, retries with backoff and {@code
 * Retry-After}, the user agent, and injectable clock and sleeper.
 */
package dev.flyregistry.http;
