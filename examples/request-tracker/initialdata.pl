# The first RT administrator, and rights for the staff RT creates on their first visit. Load once:
#   rt-setup-database-5 --action insert --datafile initialdata.pl
# (as root, after RT's own database is set up). With samlgate in front, nobody can use RT's login form,
# RT's `root` included: RT's administrator is a samlgate user, so create them here, before their first
# visit. Their Name is their samlgate email in lower case (RT lowercases REMOTE_USER); change it.

@Users = (
    {   Name         => 'admin@example.com',
        EmailAddress => 'admin@example.com',
        RealName     => 'RT Administrator',
        Privileged   => 1,
    },
);

@ACL = (
    # Everything, everywhere: queues, users, rights, scrips.
    { UserId => 'admin@example.com', Right => 'SuperUser' },

    # Staff work on the General queue's tickets. Grant more (or less, or per queue) in RT's
    # Admin > Queues > Group Rights later.
    {   GroupDomain => 'SystemInternal',
        GroupType   => 'Privileged',
        Queue       => 'General',
        Right       => [qw(SeeQueue ShowTicket CreateTicket ReplyToTicket CommentOnTicket OwnTicket ModifyTicket)],
    },
);

1;
