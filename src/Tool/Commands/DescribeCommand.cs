using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text;
using MigrationFormat.Schema;
using MigrationFormat.Tool.Devices;
using MigrationFormat.Tool.IO;
using MigrationFormat.Visitors;

namespace MigrationFormat.Tool.Commands;

/// <summary>
/// <c>migfmt describe</c>: the host's device catalog (docs/catalog.md §1), one model's entry or latest configuration,
/// or the VM document of devices given by configuration strings (§5); of the samples, or with <c>--assembly</c> of the
/// user's devices.
/// </summary>
internal static class DescribeCommand
{
    /// <summary>Builds the verb.</summary>
    /// <param name="console">The console.</param>
    /// <param name="assembly">The shared <c>--assembly</c> option.</param>
    /// <returns>The verb.</returns>
    public static Command Build(ToolConsole console, Option<string[]> assembly)
    {
        var schemas = new Option<bool>("--schemas")
        {
            Description = "Include the schema of every layout of every version, so that another host can check them (migfmt select needs them).",
        };
        var model = new Option<string>("--model") { Description = "Describe one model (its URL or section id).", HelpName = "URL" };
        var latest = new Option<bool>("--latest") { Description = "With --model: print the model's latest configuration string." };
        var vm = new Option<bool>("--vm")
        {
            Description = "Print the VM document of the devices given with --device (all sample devices at their latest configuration without it).",
        };
        var devices = new Option<string[]>("--device")
        {
            Description = "With --vm: a device as MODEL[,configuration], e.g. virtio-net,version=2,rx-filter-size=64; "
                + "repeat it for each device, in stream order.",
            HelpName = "MODEL[,CONFIG]",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("describe",
            "Print the device catalog (models, typed parameters, versions and the parameters each implies) as JSON, or a VM document.")
        {
            schemas, model, latest, vm, devices, assembly,
        };
        command.SetAction(p => Run(
            DeviceSet.From(p.GetValue(assembly)),
            new DescribeRequest(p.GetValue(schemas), p.GetValue(model), p.GetValue(latest), p.GetValue(vm), p.GetValue(devices) ?? []),
            console.Out,
            console.Error));
        return command;
    }

    private static int Run(DeviceSet set, DescribeRequest request, TextWriter stdout, TextWriter stderr)
    {
        (bool includeSchemas, string? model, bool latest, bool vm, string[] devices) = request;
        DeviceCatalog catalog = set.Catalog();
        if (vm)
        {
            if (model is not null || latest || includeSchemas)
            {
                throw new UsageException("describe: --vm goes with --device only.");
            }

            return DescribeVm(catalog, devices, stdout, stderr);
        }

        if (devices.Length > 0)
        {
            throw new UsageException("describe: --device goes with --vm.");
        }

        if (latest && model is null)
        {
            throw new UsageException("describe: --latest goes with --model URL.");
        }

        if (model is null)
        {
            stdout.WriteLine(Encoding.UTF8.GetString(catalog.Describe(indented: true, includeSchemas)));
            return Program.ExitOk;
        }

        DeviceCatalogEntry entry = catalog.FindModel(model) ?? catalog.Find(model)
            ?? throw new UsageException($"describe: --model: expected a model URL or section id of {set.Description} ({set.Names()}); found '{model}'.");
        if (latest)
        {
            stdout.WriteLine(entry.Type.LatestConfiguration.ToString());
            return Program.ExitOk;
        }

        DeviceCatalog single = new DeviceCatalog().Add(entry.Type);
        stdout.WriteLine(Encoding.UTF8.GetString(single.Describe(indented: true, includeSchemas)));
        return Program.ExitOk;
    }

    /// <summary>Creates each device from its configuration string, as the source host does, and prints their VM document.</summary>
    private static int DescribeVm(DeviceCatalog catalog, string[] specs, TextWriter stdout, TextWriter stderr)
    {
        var created = new List<IDeviceState>();
        if (specs.Length == 0)
        {
            foreach (DeviceCatalogEntry entry in catalog.Entries)
            {
                created.Add(entry.Type.Create(entry.Type.LatestConfiguration));
            }
        }

        foreach (string spec in specs)
        {
            int comma = spec.IndexOf(',', StringComparison.Ordinal);
            string model = comma < 0 ? spec : spec[..comma];
            string configuration = comma < 0 ? string.Empty : spec[(comma + 1)..];
            try
            {
                created.Add(catalog.Create(model, configuration));
            }
            catch (DeviceConfigurationException ex)
            {
                // One line per fault, each naming the model and the parameter.
                foreach (ConfigurationIssue issue in ex.Issues)
                {
                    stderr.WriteLine("migfmt: error: " + issue.Message);
                }

                return Program.ExitBadInput;
            }
        }

        stdout.WriteLine(Encoding.UTF8.GetString(VmConfiguration.Of(created).ToUtf8(indented: true)));
        return Program.ExitOk;
    }
}

/// <summary>What <c>migfmt describe</c> was asked for.</summary>
/// <param name="Schemas">Include the schema of every layout.</param>
/// <param name="Model">One model (URL or section id), or <see langword="null"/> for the whole catalog.</param>
/// <param name="Latest">With <paramref name="Model"/>: print its latest configuration string only.</param>
/// <param name="Vm">Print the VM document of <paramref name="Devices"/>.</param>
/// <param name="Devices">With <paramref name="Vm"/>: the devices as <c>MODEL[,configuration]</c>.</param>
internal sealed record DescribeRequest(bool Schemas, string? Model, bool Latest, bool Vm, string[] Devices);
