{{/* The chart's name (app.kubernetes.io/name). */}}
{{- define "meshcheck.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every object's name: the release's name, or
release-chart when the release's name does not hold the chart's. With the
release named meshcheck, the objects are named as in deploy/base. */}}
{{- define "meshcheck.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 54 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The webhook's Deployment, ServiceAccount, Service and ClusterRole. */}}
{{- define "meshcheck.webhook" -}}
{{- printf "%s-webhook" (include "meshcheck.fullname" .) -}}
{{- end -}}

{{- define "meshcheck.tlsSecret" -}}
{{- default (printf "%s-tls" (include "meshcheck.webhook" .)) .Values.certificates.secretName -}}
{{- end -}}

{{- define "meshcheck.labels" -}}
app.kubernetes.io/name: {{ include "meshcheck.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "meshcheck.helmLabels" . }}
{{- end -}}

{{/* What Helm charts add to the labels deploy/base sets. */}}
{{- define "meshcheck.helmLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ include "meshcheck.tag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The webhook's pods, as deploy/base selects them, and the release. */}}
{{- define "meshcheck.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meshcheck.name" . }}
app.kubernetes.io/component: webhook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "meshcheck.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "meshcheck.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "meshcheck.tag" .) -}}
{{- end -}}
{{- end -}}

{{/* .meshcheck.yaml: config with enforcement.rules merged into its rules;
empty when neither is set. */}}
{{- define "meshcheck.config" -}}
{{- $cfg := deepCopy (.Values.config | default dict) -}}
{{- if .Values.enforcement.rules -}}
{{- $rules := deepCopy (get $cfg "rules" | default dict) -}}
{{- range $code, $e := .Values.enforcement.rules -}}
{{- $r := deepCopy (get $rules $code | default dict) -}}
{{- $_ := set $r "enforcement" $e -}}
{{- $_ := set $rules $code $r -}}
{{- end -}}
{{- $_ := set $cfg "rules" $rules -}}
{{- end -}}
{{- if $cfg -}}
{{- $_ := set $cfg "apiVersion" "meshcheck.io/v1alpha1" -}}
{{- toYaml $cfg -}}
{{- end -}}
{{- end -}}

{{/* The namespaces the API server never sends: kube-system, the release's
and excludedNamespaces. */}}
{{- define "meshcheck.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml (uniq (concat (list "kube-system" .Release.Namespace) .Values.excludedNamespaces)) | nindent 6 }}
{{- end -}}

{{/* What the three webhooks share. */}}
{{- define "meshcheck.webhookCommon" -}}
admissionReviewVersions: [v1]
sideEffects: None
failurePolicy: {{ .Values.enforcement.failurePolicy }}
timeoutSeconds: {{ .Values.enforcement.timeoutSeconds }}
clientConfig:
  service:
    name: {{ include "meshcheck.webhook" . }}
    namespace: {{ .Release.Namespace }}
    path: /validate
  {{- if and (not .Values.certificates.certManager.enabled) .Values.certificates.caBundle }}
  caBundle: {{ .Values.certificates.caBundle }}
  {{- end }}
namespaceSelector:
  {{- include "meshcheck.namespaceSelector" . | nindent 2 }}
{{- end -}}
