using System.Runtime.InteropServices;

namespace Aevb.Torch;

/// <summary>Loads LibTorch once, and turns a failure into an error that names the real cause and the fix.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> Failure = new(TryLoad);

    /// <summary>Throws <see cref="InvalidOperationException"/> with the cause and the fix if LibTorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } e) throw new InvalidOperationException(Explain(e), e);
    }

    private static Exception? TryLoad()
    {
        try
        {
            PreloadNativeGlue();
            using var probe = TorchSharp.torch.zeros(1);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException or NotSupportedException or EntryPointNotFoundException or BadImageFormatException)
        {
            return e;
        }
    }

    /// <summary>
    /// Where TorchSharp.dll is loaded from a folder without a deps.json that lists its natives (a notebook's
    /// <c>#r</c>, in Polyglot's kernel or our runner), TorchSharp looks for them beside TorchSharp.dll only, then copies
    /// fresh ones out of the NuGet cache (unpatched, 500 MB). Loading the glue library from the build's own
    /// <c>runtimes/RID/native</c> first (its RUNPATH finds LibTorch beside it) makes TorchSharp's load by name find it.
    /// </summary>
    private static void PreloadNativeGlue()
    {
        var dir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (string.IsNullOrEmpty(dir)) return;
        var (rid, file) = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ("win-x64", "LibTorchSharp.dll")
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ("osx-arm64", "libLibTorchSharp.dylib")
            : ("linux-x64", "libLibTorchSharp.so");
        var path = Path.Combine(dir, "runtimes", rid, "native", file);
        if (File.Exists(path) && !File.Exists(Path.Combine(dir, file))) NativeLibrary.Load(path);
    }

    private static string Explain(Exception e)
    {
        var all = string.Join(" | ", Chain(e).Select(x => x.Message));
        var glibcxx = System.Text.RegularExpressions.Regex.Match(all, @"GLIBCXX_[0-9.]+[0-9]");
        if (glibcxx.Success || (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && NeedsWeakening()))
            return "LibTorch could not be loaded: TorchSharp's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (the libstdc++ of GCC 13), " +
                   "and this system's libstdc++ is older (Debian 12 has GLIBCXX_3.4.30). Nothing calls the one symbol that needs it. " +
                   "Fix: build through a project that imports src/Aevb.Torch/build/WeakenGlibcxx.targets (src/Aevb.Torch and its tests do), " +
                   "or run `python3 src/Aevb.Torch/tools/weaken-glibcxx.py DIR` on the folder that holds the loaded copy" +
                   $" ({AppContext.BaseDirectory}); it marks that version need weak in the copy only. Underlying error: {all}";
        return $"LibTorch could not be loaded ({all}). TorchSharp-cpu's natives (runtimes/<rid>/native) must sit beside TorchSharp.dll; " +
               "build src/Aevb.Torch (dotnet build -c Release) and load it from its bin/ folder.";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    /// <summary>Whether the system's libstdc++ lacks GLIBCXX_3.4.32.</summary>
    private static bool NeedsWeakening()
    {
        foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (!File.Exists(path)) continue;
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().IndexOf("GLIBCXX_3.4.32"u8) < 0;
        }
        return false;
    }
}
