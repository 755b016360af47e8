// The shop-alert chain.
