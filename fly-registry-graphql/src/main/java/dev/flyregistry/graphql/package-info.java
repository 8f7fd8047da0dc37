/**
 * Typed client for Fly's GraphQL API: releases, image references and app lookups.
 *
 * <p>{@link dev.flyregistry.graphql.GraphqlClient} posts documents to {@code
 * https://api.fly.io/graphql}; {@link dev.flyregistry.graphql.Releases} lists an app's releases
 * (with exactly the query Fly's registry guide documents), pages through all of them lazily, and
 * derives the distinct image references of past deploys, which is how Fly answers "which tags does
 * my app's repository hold". {@link dev.flyregistry.graphql.ReleaseFormatter} prints them the way
 * {@code fly releases --image} does.
 *
 * <p>Errors: {@link dev.flyregistry.graphql.GraphqlException} (every {@code errors[]} entry and the
 * partial data), {@link dev.flyregistry.graphql.AppNotFoundException}, {@link
 * dev.flyregistry.graphql.GraphqlAuthException}, {@link
 * dev.flyregistry.graphql.GraphqlTransportException} and {@link
 * dev.flyregistry.graphql.GraphqlProtocolException}.
 */
package dev.flyregistry.graphql;
