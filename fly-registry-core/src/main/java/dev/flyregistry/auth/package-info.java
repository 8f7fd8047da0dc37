/**
 * Fly tokens, registry credentials and where to find them ({@code FLY_ACCESS_TOKEN}, {@code
 * ~/.fly/config.yml}, {@code ~/.docker/config.json}).
 */
package dev.flyregistry.auth;
