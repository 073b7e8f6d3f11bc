package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// The SPDX 2.3 JSON document, with the fields this SBOM fills
// (https://spdx.github.io/spdx-spec/v2.3/).
type spdxDocument struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	Name                  string         `json:"name"`
	SPDXID                string         `json:"SPDXID"`
	VersionInfo           string         `json:"versionInfo"`
	Supplier              string         `json:"supplier,omitempty"`
	DownloadLocation      string         `json:"downloadLocation"`
	FilesAnalyzed         bool           `json:"filesAnalyzed"`
	LicenseConcluded      string         `json:"licenseConcluded"`
	LicenseDeclared       string         `json:"licenseDeclared"`
	CopyrightText         string         `json:"copyrightText"`
	Checksums             []spdxChecksum `json:"checksums,omitempty"`
	ExternalRefs          []spdxRef      `json:"externalRefs,omitempty"`
	PrimaryPackagePurpose string         `json:"primaryPackagePurpose"`
	Comment               string         `json:"comment,omitempty"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type spdxRelationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// sbom reads the binaries' build information and writes the SPDX document.
func sbom(version string, binaries []string, created time.Time) ([]byte, error) {
	infos, err := readBuildInfo(binaries)
	if err != nil {
		return nil, err
	}
	return sbomOf(version, infos, created)
}

// sbomOf is the SPDX document of meshcheck at version, built into the
// binaries infos describe: the main module, every module linked into any of
// them (after replacements), and the Go standard library.
func sbomOf(version string, infos []*buildinfo.BuildInfo, created time.Time) ([]byte, error) {
	if len(infos) == 0 {
		return nil, fmt.Errorf("no binaries to describe")
	}
	mods := map[string]*debug.Module{}
	goVersions := map[string]bool{}
	for _, bi := range infos {
		if bi.Main.Path != modulePath {
			return nil, fmt.Errorf("a binary of module %q, not %s", bi.Main.Path, modulePath)
		}
		goVersions[bi.GoVersion] = true
		for _, d := range bi.Deps {
			m := d
			if d.Replace != nil {
				m = d.Replace
			}
			if prev, ok := mods[m.Path]; ok && prev.Version != m.Version {
				return nil, fmt.Errorf("module %s linked at %s and %s", m.Path, prev.Version, m.Version)
			}
			mods[m.Path] = m
		}
	}
	if len(goVersions) != 1 {
		return nil, fmt.Errorf("binaries built by different Go versions: %v", goVersions)
	}
	var goVersion string
	for v := range goVersions {
		goVersion = v
	}

	mainID := "SPDXRef-Package-meshcheck"
	pkgs := []spdxPackage{{
		Name:                  modulePath,
		SPDXID:                mainID,
		VersionInfo:           version,
		Supplier:              "Organization: meshcheck",
		DownloadLocation:      "https://" + modulePath,
		LicenseConcluded:      "Apache-2.0",
		LicenseDeclared:       "Apache-2.0",
		CopyrightText:         "NOASSERTION",
		ExternalRefs:          []spdxRef{purl(modulePath, version)},
		PrimaryPackagePurpose: "APPLICATION",
	}, {
		Name:                  "stdlib",
		SPDXID:                "SPDXRef-Package-stdlib",
		VersionInfo:           goVersion,
		DownloadLocation:      "https://go.dev/dl/",
		LicenseConcluded:      "NOASSERTION",
		LicenseDeclared:       "BSD-3-Clause",
		CopyrightText:         "NOASSERTION",
		ExternalRefs:          []spdxRef{purl("stdlib", strings.TrimPrefix(goVersion, "go"))},
		PrimaryPackagePurpose: "LIBRARY",
		Comment:               "the Go standard library and runtime linked into every binary",
	}}
	paths := make([]string, 0, len(mods))
	for p := range mods {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		m := mods[p]
		pkg := spdxPackage{
			Name:                  m.Path,
			SPDXID:                "SPDXRef-Package-go-" + spdxIDPart(m.Path+"-"+m.Version),
			VersionInfo:           m.Version,
			DownloadLocation:      "NOASSERTION",
			LicenseConcluded:      "NOASSERTION",
			LicenseDeclared:       "NOASSERTION",
			CopyrightText:         "NOASSERTION",
			ExternalRefs:          []spdxRef{purl(m.Path, m.Version)},
			PrimaryPackagePurpose: "LIBRARY",
		}
		if sum, ok := h1SHA256(m.Sum); ok {
			pkg.Checksums = []spdxChecksum{{Algorithm: "SHA256", ChecksumValue: sum}}
			pkg.Comment = "go.sum hash " + m.Sum + " (SHA256 above is its decoded dirhash)"
		}
		pkgs = append(pkgs, pkg)
	}

	rels := []spdxRelationship{{"SPDXRef-DOCUMENT", "DESCRIBES", mainID}}
	for _, p := range pkgs[1:] {
		rels = append(rels, spdxRelationship{mainID, "DEPENDS_ON", p.SPDXID})
	}
	content := sha256.New()
	for _, p := range pkgs {
		fmt.Fprintln(content, p.Name, p.VersionInfo)
	}
	doc := spdxDocument{
		SPDXVersion:       "SPDX-2.3",
		DataLicense:       "CC0-1.0",
		SPDXID:            "SPDXRef-DOCUMENT",
		Name:              "meshcheck-" + version,
		DocumentNamespace: fmt.Sprintf("https://%s/spdx/%s-%x", modulePath, version, content.Sum(nil)[:8]),
		CreationInfo: spdxCreationInfo{
			Created:  created.UTC().Format(time.RFC3339),
			Creators: []string{"Tool: meshcheck-hack-release", "Organization: meshcheck"},
		},
		Packages:      pkgs,
		Relationships: rels,
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func purl(path, version string) spdxRef {
	return spdxRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: "pkg:golang/" + path + "@" + version}
}

var notIDChar = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// spdxIDPart makes s fit an SPDX identifier ([A-Za-z0-9.-]).
func spdxIDPart(s string) string {
	return notIDChar.ReplaceAllString(s, "-")
}

// h1SHA256 decodes a go.sum "h1:" hash (base64 SHA-256 of the module's
// dirhash) into hex, as SBOM tools record Go modules.
func h1SHA256(sum string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sum, "h1:"))
	if !strings.HasPrefix(sum, "h1:") || err != nil || len(b) != sha256.Size {
		return "", false
	}
	return hex.EncodeToString(b), true
}
