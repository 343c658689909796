{{/* The release's name prefix for every object. */}}
{{- define "orgpulse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "orgpulse.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selects one app's pods: pass (dict "root" $ "app" "ingest"). */}}
{{- define "orgpulse.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "orgpulse.image" -}}
{{- printf "%s-%s:%s" .root.Values.image.repository .app (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "orgpulse.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-secrets" (include "orgpulse.fullname" .)) -}}
{{- end -}}

{{/* What every app and the migration Job read: the ConfigMap, then the Secret (DATABASE_URL, ORGPULSE_SECRETS_KEY). */}}
{{- define "orgpulse.envFrom" -}}
- configMapRef:
    name: {{ include "orgpulse.fullname" . }}-config
- secretRef:
    name: {{ include "orgpulse.secretName" . }}
{{- end -}}

{{- define "orgpulse.checkRequired" -}}
{{- $_ := required "kafka.brokers is required: the host:port list of your Kafka cluster" .Values.kafka.brokers -}}
{{- if not .Values.existingSecret -}}
{{- $_ := required "database.url is required (or existingSecret): postgres://user:password@host:5432/orgpulse" .Values.database.url -}}
{{- $_ := required "secretsKey is required (or existingSecret): 32 random bytes in base64 (openssl rand -base64 32)" .Values.secretsKey -}}
{{- end -}}
{{- end -}}
