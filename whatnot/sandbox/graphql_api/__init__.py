"""The GraphQL half of the sandbox: schema binding, resolvers and the endpoint."""
