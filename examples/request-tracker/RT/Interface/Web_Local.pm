# What RT records about a samlgate user it creates on their first visit ($WebRemoteUserAutocreate).
# RT loads this overlay after RT::Interface::Web; it goes in RT's local library folder:
# /usr/local/share/request-tracker5/lib/RT/Interface/Web_Local.pm on Debian.
#
# RT's own WebRemoteUserAutocreateInfo takes the real name from /etc/passwd. This one takes the email RT
# signed in with (REMOTE_USER, lowercased by RT) as EmailAddress and the IdP's given and family names, which
# nginx passes as the X-Samlgate-Given-Name and X-Samlgate-Family-Name values (nginx-rt.conf sets both, so
# a client's own headers of those names never reach RT). samlgate sends them as UTF-8 bytes, control
# characters replaced by spaces; RT wants characters.
package RT::Interface::Web;

use strict;
use warnings;
no warnings 'redefine';

use Encode ();

sub WebRemoteUserAutocreateInfo {
    my $user = shift;
    my %info = ( EmailAddress => $user );
    my @names = grep { length } map { SamlgateName($_) } qw(HTTP_X_SAMLGATE_GIVEN_NAME HTTP_X_SAMLGATE_FAMILY_NAME);
    $info{RealName} = join ' ', @names if @names;
    return \%info;
}

# One name from samlgate: decoded from UTF-8 (a malformed byte becomes U+FFFD), spaces trimmed.
sub SamlgateName {
    my $value = Encode::decode( 'UTF-8', RequestENV(shift) // '' );
    $value =~ s/^\s+|\s+$//g;
    return $value;
}

1;
