"""The Textual app (terminal and browser). Imports only Textual and the store on start-up."""
