import PostgresClient

extension StoreError {
    /// Maps a PostgreSQL failure to a store error: a server that cannot be reached (down, restarting,
    /// refusing connections) is ``unavailable(_:detail:)`` with ``StorageFault/unreachable``, reported as an
    /// outage an admin must fix; a full disk on the server is ``StorageFault/diskFull``; a missing privilege
    /// says which role each command needs; anything else is `.database` with the server's message. No
    /// message carries the password.
    init(postgres error: any Error) {
        guard let error = error as? PostgresError else {
            self = (error as? StoreError) ?? .database("\(error)")
            return
        }
        switch error {
        case .connectionFailed, .connectionLost: self = .unavailable(.unreachable, detail: error.description)
        case .queryFailed(let state, _) where state == "53100":
            self = .unavailable(.diskFull, detail: error.description)
        case .queryFailed(let state, _) where state == "25006":
            self = .unavailable(.readOnly, detail: error.description)
        case .queryFailed(let state, _) where state.hasPrefix("57P") || state.hasPrefix("08"):
            self = .unavailable(.unreachable, detail: error.description)
        case .queryFailed(let state, _) where state == "42501":
            self = .database(
                error.description + "; the role in the database URL lacks a privilege: `samlgate init` and "
                    + "`samlgate store copy` need the schema's owner, everything else SELECT, INSERT, UPDATE and "
                    + "DELETE on its tables (README, \"Several web nodes\")")
        default: self = .database(error.description)
        }
    }
}
