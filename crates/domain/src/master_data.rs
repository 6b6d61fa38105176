//! Master data rules (spec marketing-analytics-admin §11): categories, products, stores and payment methods.
