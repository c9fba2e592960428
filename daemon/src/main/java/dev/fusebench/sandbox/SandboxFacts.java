package dev.fusebench.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * How a daemon was confined, as its statistics file and the results record it: the sandbox as
 * configured ({@link Sandbox#describe}) and, from inside it, as the kernel reports it
 * ({@link SandboxStatus#ofThisProcess}). Unknown facts are left out.
 *
 * @param mode            namespace or none (a peer's: its own default)
 * @param capabilities    configured: the ones kept; read back: the effective set
 * @param noNewPrivs      configured: set; read back: prctl(PR_GET_NO_NEW_PRIVS)
 * @param seccomp         read back: filter or none, and why no filter was installed
 * @param rlimitNofile    read back: the open-file limit in force (the configured cap is rlimitNofileCap)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SandboxFacts(String mode, List<String> namespaces, Long rlimitNofileCap, List<String> capabilities, Boolean noNewPrivs,
                           String seccomp, String seccompError, Long pidInNamespace, Long rlimitNofile) {
    /** A daemon we do not confine ourselves (the peers run in their own default sandboxes). */
    public static SandboxFacts ownDefault() { return configured("the daemon's own default", null, null, null, null); }

    static SandboxFacts configured(String mode, List<String> namespaces, Long rlimitNofileCap, List<String> capabilities, Boolean noNewPrivs) {
        return new SandboxFacts(mode, namespaces, rlimitNofileCap, capabilities, noNewPrivs, null, null, null, null);
    }

    /** These facts with what the kernel reports from inside the sandbox. */
    SandboxFacts readBack(List<String> effective, boolean noNewPrivs, String seccomp, String seccompError, long pid, Long rlimitNofile) {
        return new SandboxFacts(mode, namespaces, rlimitNofileCap, effective != null ? effective : capabilities, noNewPrivs, seccomp,
                seccompError, pid, rlimitNofile);
    }
}
