using System.CommandLine;
using System.IO;

namespace MigrationFormat.Tool;

/// <summary>The verbs for device state that lives outside the VMM: <c>vfio</c> and the vhost-user back-end and front-end.</summary>
internal static class ExternalStateCommands
{
    /// <summary>Adds the verbs to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root, TextWriter stdout, TextWriter stderr)
    {
        root.Add(VfioCommand.Build(stdout, stderr));
        root.Add(VhostUserCommands.Backend(stdout, stderr));
        root.Add(VhostUserCommands.Frontend(stderr));
    }
}
