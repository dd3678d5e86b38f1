"""The pages: sign-in, tasks, invoices. Each view parses, calls one engine function, renders."""
