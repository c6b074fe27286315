using System.CommandLine;
using System.IO;
using MigrationFormat.DeviceState.Vfio;

namespace MigrationFormat.Tool;

/// <summary><c>migfmt vfio path</c>: the single arcs the kernel takes between two VFIO migration states.</summary>
internal static class VfioCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var from = new Option<string>("--from")
        {
            Description = "The device's state (a uAPI name: RUNNING, STOP, RUNNING_P2P, PRE_COPY, ...).", HelpName = "STATE", Required = true,
        };
        var to = new Option<string>("--to") { Description = "The requested state.", HelpName = "STATE", Required = true };
        var features = new Option<string>("--features")
        {
            Description = "The device's migration features, a comma list of stop-copy, p2p, pre-copy.",
            HelpName = "LIST",
            DefaultValueFactory = _ => "stop-copy,p2p,pre-copy",
        };
        var path = new Command("path", "Print the states the kernel passes through, joined by ' -> '; exit 1 with the reason when the request is impossible.")
        {
            from, to, features,
        };
        path.SetAction(p => Path(p.GetValue(from)!, p.GetValue(to)!, p.GetValue(features)!, stdout, stderr));
        return new Command("vfio", "VFIO migration v2: the device state machine.") { path };
    }

    private static int Path(string fromText, string toText, string featureText, TextWriter stdout, TextWriter stderr)
    {
        VfioDeviceState current = ParseState("--from", fromText);
        VfioDeviceState target = ParseState("--to", toText);
        if (!VfioStates.TryParseFeatures(featureText, out VfioMigrationFeatures features, out string? unknown))
        {
            throw new UsageException($"vfio path: unknown feature '{unknown}' in --features; use a comma list of stop-copy, p2p, pre-copy.");
        }

        VfioTransitionPlan plan = VfioTransitionPlanner.Plan(current, target, features);
        if (!plan.IsPossible)
        {
            stderr.WriteLine("migfmt: vfio path: impossible: " + plan.Reason);
            return Program.ExitBadInput;
        }

        stdout.WriteLine(plan.ToString());
        return Program.ExitOk;
    }

    private static VfioDeviceState ParseState(string option, string text) =>
        VfioStates.TryParse(text, out VfioDeviceState state)
            ? state
            : throw new UsageException($"vfio path: {option} '{text}' is not a VFIO device state; use one of {VfioStates.NameList()}.");
}
