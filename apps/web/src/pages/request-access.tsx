import { useEffect, useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { approversOf, limitsOf, PRESETS, type Application } from '../catalog';
import { PageHeading } from '../layout';
import { formatSeconds } from '../time';

interface RequestForm {
  applicationId: string;
  duration: string;
  justification: string;
}

const FIELDS: (keyof RequestForm)[] = ['applicationId', 'duration', 'justification'];

/** Ask for access: the application from the catalog, how long, and why. */
export function RequestAccessPage() {
  const navigate = useNavigate();
  const [applications, setApplications] = useState<Application[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  // One key per form: a double click or a retried call is answered once (the API honours Idempotency-Key).
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<RequestForm>({ defaultValues: { applicationId: '', duration: '', justification: '' } });

  useEffect(() => {
    api<{ applications: Application[] }>('/v1/applications?limit=1000').then(
      (page) => setApplications(page.applications),
      (error: Error) => setLoadError(error.message),
    );
  }, []);

  const selected = applications?.find((a) => a.id === watch('applicationId'));
  const shown = useMemo(() => {
    const words = search.trim().toLowerCase();
    return (applications ?? []).filter((a) => !words || `${a.name} ${a.id} ${a.description ?? ''}`.toLowerCase().includes(words));
  }, [applications, search]);
  const presets = selected
    ? PRESETS.filter((p) => p.seconds >= selected.minDurationSeconds && p.seconds <= selected.maxDurationSeconds)
    : [];

  const submit = async (form: RequestForm) => {
    setFormError(null);
    try {
      const created = await api<{ id: string }>('/v1/requests', {
        method: 'POST',
        body: { applicationId: form.applicationId, duration: form.duration.trim(), justification: form.justification },
        idempotencyKey,
      });
      navigate('/requests', { state: { submitted: created.id } });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const known = FIELDS.filter((field) => error.forField(field));
      known.forEach((field, i) => setError(field, { message: error.forField(field) }, { shouldFocus: i === 0 }));
      if (known.length === 0) setFormError(error.message);
    }
  };

  return (
    <>
      <PageHeading>Request access</PageHeading>
      {loadError && <p role="alert">The catalog could not be loaded: {loadError}</p>}
      <form onSubmit={handleSubmit(submit)} noValidate>
        {formError && (
          <p role="alert" className="error">
            {formError}
          </p>
        )}
        <fieldset aria-describedby={errors.applicationId ? 'applicationId-error' : undefined}>
          <legend>Application</legend>
          <label htmlFor="search">Search applications</label>
          <input id="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
          {applications && shown.length === 0 && <p>No application matches “{search}”.</p>}
          <ul className="applications">
            {shown.map((application) => (
              <li key={application.id}>
                <input
                  type="radio"
                  id={`app-${application.id}`}
                  value={application.id}
                  aria-describedby={`app-${application.id}-about`}
                  {...register('applicationId', { required: 'Choose the application you need' })}
                />
                <label htmlFor={`app-${application.id}`}>{application.name}</label>
                <p id={`app-${application.id}-about`} className="about">
                  {application.description ? `${application.description} ` : ''}
                  Up to {formatSeconds(application.maxDurationSeconds)}. Approval: {approversOf(application)}.
                </p>
              </li>
            ))}
          </ul>
          {errors.applicationId && (
            <p id="applicationId-error" className="error">
              {errors.applicationId.message}
            </p>
          )}
        </fieldset>

        <div className="field">
          <label htmlFor="duration">Duration</label>
          <p id="duration-hint" className="hint">
            {selected ? `${limitsOf(selected)}. ` : ''}For example 1h, 30m or 1h30m.
          </p>
          {presets.length > 0 && (
            <div role="group" aria-label="Common durations" className="presets">
              {presets.map((preset) => (
                <button key={preset.text} type="button" onClick={() => setValue('duration', preset.text, { shouldValidate: true })}>
                  {formatSeconds(preset.seconds)}
                </button>
              ))}
            </div>
          )}
          <input
            id="duration"
            type="text"
            inputMode="text"
            autoComplete="off"
            aria-invalid={errors.duration ? true : undefined}
            aria-describedby={errors.duration ? 'duration-hint duration-error' : 'duration-hint'}
            {...register('duration', { required: 'Say for how long you need the access, for example 1h' })}
          />
          {errors.duration && (
            <p id="duration-error" className="error">
              {errors.duration.message}
            </p>
          )}
        </div>

        <div className="field">
          <label htmlFor="justification">Justification</label>
          <p id="justification-hint" className="hint">
            Why you need the access{selected?.justification.hint ? `: ${selected.justification.hint}` : ''}. The approver reads it.
          </p>
          <textarea
            id="justification"
            rows={3}
            maxLength={2000}
            aria-invalid={errors.justification ? true : undefined}
            aria-describedby={errors.justification ? 'justification-hint justification-error' : 'justification-hint'}
            {...register('justification', {
              validate: (value) => {
                if (value.trim() === '') return 'Say why you need the access';
                const pattern = selected?.justification.pattern;
                // The same check intake makes (a match anywhere in the text); the server's answer stays the rule.
                if (pattern && !new RegExp(pattern, 'u').test(value))
                  return `${selected.name} asks for ${selected.justification.hint ?? `text matching ${pattern}`}`;
                return true;
              },
            })}
          />
          {errors.justification && (
            <p id="justification-error" className="error">
              {errors.justification.message}
            </p>
          )}
        </div>

        <button type="submit" disabled={isSubmitting}>
          Request access
        </button>
      </form>
    </>
  );
}
