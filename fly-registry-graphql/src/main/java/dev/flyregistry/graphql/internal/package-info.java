/** Machinery of the GraphQL client: transport, documents, JSON decoding. Not public API. */
package dev.flyregistry.graphql.internal;
